import Foundation
import VigilHashing
import VigilIndex

/// Reads video banks from files: JSON lines as `vigil hash --json` writes them (each line with a
/// `vpdq` array becomes one video, identified by its `name` or else its `path`, with its `md5`,
/// `label` and `category`; `vigil banks export --format vpdq` writes these), or one video in the
/// vpdq reference's text format (`frameNumber,quality,hash,timestamp` lines, identified by file name).
public enum VideoBankFile {
    /// The largest bank file read, in bytes.
    public static let maxBytes = 1 << 30

    public static func load(_ path: String) throws(CoreError) -> [BankVideo] {
        let bytes = try FileInput.read(path, maxBytes: maxBytes)
        var videos: [BankVideo] = []
        var firstProblem: ImportProblem?
        parse(bytes, name: URL(fileURLWithPath: path).lastPathComponent) {
            videos.append($0)
        } problem: {
            if firstProblem == nil { firstProblem = $0 }
        }
        if let firstProblem { throw CoreError(.malformed, "\(path):\(firstProblem.line): \(firstProblem.message)") }
        return videos
    }

    /// Parses one bank file's bytes: JSON lines (a bad line is reported and skipped) or one
    /// video in the text format named `name` (a bad line rejects the video).
    public static func parse(_ bytes: [UInt8], name: String, video: (BankVideo) -> Void, problem: (ImportProblem) -> Void) {
        let text = String(decoding: bytes, as: UTF8.self)
        let first = text.first { !$0.isWhitespace }
        if first == "{" { return jsonLines(text, name: name, video: video, problem: problem) }
        switch VPDQ.parse(text) {
        case .success(let features):
            guard !features.isEmpty else {
                return problem(ImportProblem(line: 1, message: "no vPDQ lines (frameNumber,quality,hash,timestamp)"))
            }
            video(BankVideo(id: name, features: features))
        case .failure(let error):
            problem(ImportProblem(line: error.line, message: "not a vPDQ line (frameNumber,quality,hash,timestamp)"))
        }
    }

    private static func jsonLines(_ text: String, name: String, video: (BankVideo) -> Void, problem: (ImportProblem) -> Void) {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let bad = ImportProblem(
                line: number + 1, message: "not a JSON line with a vpdq array of {frame, quality, pdq, timestamp}")
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                problem(bad)
                continue
            }
            guard let field = object["vpdq"] else { continue }
            guard let frames = field as? [[String: Any]] else {
                problem(bad)
                continue
            }
            var features: [VPDQFeature] = []
            for frame in frames {
                guard let index = frame["frame"] as? Int, let quality = frame["quality"] as? Int,
                    let hex = frame["pdq"] as? String, let hash = PDQHash(hex: hex),
                    let timestamp = (frame["timestamp"] as? NSNumber)?.doubleValue
                else { break }
                features.append(VPDQFeature(frame: index, quality: quality, pdq: hash, timestamp: timestamp))
            }
            guard features.count == frames.count else {
                problem(bad)
                continue
            }
            let md5 = object["md5"] as? String
            if let md5, HashValue(kind: .md5, hex: md5) == nil {
                problem(ImportProblem(line: number + 1, message: "md5 is not 32 hex digits"))
                continue
            }
            let id = object["name"] as? String ?? object["path"] as? String ?? "\(name):\(number + 1)"
            video(
                BankVideo(
                    id: id, features: features, md5: md5, label: object["label"] as? String,
                    category: object["category"] as? String))
        }
    }

    /// The JSON line `parse` reads back: `{"name", "md5", "label", "category", "vpdq": [...]}`.
    public static func jsonLine(_ video: BankVideo) -> String {
        JSONValue.object([
            ("name", .string(video.id)), ("md5", JSONValue(video.md5)), ("label", JSONValue(video.label)),
            ("category", JSONValue(video.category)), ("vpdq", .array(video.features.map(\.json))),
        ]).serialized
    }
}

extension VideoMatch {
    /// `{"video", "query_match_percent", "compare_match_percent", "md5_match", "matched_start",
    /// "matched_end", "query_start", "query_end"}`.
    public var json: JSONValue { .object(members) }

    var members: [(String, JSONValue)] {
        [
            ("video", .string(id)), ("query_match_percent", .double(queryMatchPercent)),
            ("compare_match_percent", .double(compareMatchPercent)), ("md5_match", .bool(md5Match)),
            ("matched_start", seconds(matchedStart)), ("matched_end", seconds(matchedEnd)),
            ("query_start", seconds(queryStart)), ("query_end", seconds(queryEnd)),
        ]
    }

    private func seconds(_ value: Double?) -> JSONValue { value.map { .double(($0 * 1000).rounded() / 1000) } ?? .null }
}

extension BankVideoMatch {
    /// `{"bank", "entry", "label", "category", "negative", "suppressed"}` and `VideoMatch.json`'s
    /// members; `entry` is the store's video id.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("bank", .string(bank)), ("entry", .int(Int(match.payload))), ("label", JSONValue(match.label)),
            ("category", JSONValue(match.category)), ("negative", .bool(negative)), ("suppressed", .bool(suppressed)),
        ]
        members += match.members
        return .object(members)
    }

    /// For callers that may not read banks: no video name, label or category.
    public var redactedJSON: JSONValue {
        var members: [(String, JSONValue)] = [
            ("bank", .string(bank)), ("entry", .int(Int(match.payload))), ("negative", .bool(negative)),
            ("suppressed", .bool(suppressed)),
        ]
        members += match.members.filter { $0.0 != "video" }
        return .object(members)
    }
}
