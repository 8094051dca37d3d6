import Foundation
import VigilHashing
import VigilIndex

/// Reads video banks from files: JSON lines as `vigil hash --json` writes them (each line with a
/// `vpdq` array becomes one video, identified by its `path`, with its `md5`), or one video in the
/// vpdq reference's text format (`frameNumber,quality,hash,timestamp` lines, identified by file name).
public enum VideoBankFile {
    /// The largest bank file read, in bytes.
    public static let maxBytes = 1 << 30

    public static func load(_ path: String) throws(CoreError) -> [BankVideo] {
        let bytes = try FileInput.read(path, maxBytes: maxBytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let first = text.first { !$0.isWhitespace }
        if first == "{" { return try jsonLines(text, path: path) }
        switch VPDQ.parse(text) {
        case .success(let features):
            return [BankVideo(id: URL(fileURLWithPath: path).lastPathComponent, features: features)]
        case .failure(let error):
            throw CoreError(.malformed, "\(path):\(error.line): not a vPDQ line (frameNumber,quality,hash,timestamp)")
        }
    }

    private static func jsonLines(_ text: String, path: String) throws(CoreError) -> [BankVideo] {
        var videos: [BankVideo] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let bad = CoreError(.malformed, "\(path):\(number + 1): not a vigil hash --json line with a vpdq array")
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw bad
            }
            guard let frames = object["vpdq"] as? [[String: Any]] else { continue }
            var features: [VPDQFeature] = []
            for frame in frames {
                guard let index = frame["frame"] as? Int, let quality = frame["quality"] as? Int,
                    let hex = frame["pdq"] as? String, let hash = PDQHash(hex: hex),
                    let timestamp = (frame["timestamp"] as? NSNumber)?.doubleValue
                else { throw bad }
                features.append(VPDQFeature(frame: index, quality: quality, pdq: hash, timestamp: timestamp))
            }
            let id = object["path"] as? String ?? "\(path):\(number + 1)"
            videos.append(BankVideo(id: id, features: features, md5: object["md5"] as? String))
        }
        return videos
    }
}

extension VideoMatch {
    /// `{"video", "query_match_percent", "compare_match_percent", "md5_match", "matched_start",
    /// "matched_end", "query_start", "query_end"}`.
    public var json: JSONValue {
        .object([
            ("video", .string(id)), ("query_match_percent", .double(queryMatchPercent)),
            ("compare_match_percent", .double(compareMatchPercent)), ("md5_match", .bool(md5Match)),
            ("matched_start", seconds(matchedStart)), ("matched_end", seconds(matchedEnd)),
            ("query_start", seconds(queryStart)), ("query_end", seconds(queryEnd)),
        ])
    }

    private func seconds(_ value: Double?) -> JSONValue { value.map { .double(($0 * 1000).rounded() / 1000) } ?? .null }
}
