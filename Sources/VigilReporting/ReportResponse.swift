import Foundation

/// NCMEC's `<reportResponse>`: a response code, its description, and the ids the call produced.
public struct ReportResponse: Sendable, Equatable {
    public var code: Int
    public var description: String
    public var reportID: String?
    public var fileID: String?
    /// `/upload` answers the MD5 of the bytes it received.
    public var hash: String?
    /// The response as received (bounded): the receipt stored with a finished report.
    public var raw: String

    public init(
        code: Int, description: String, reportID: String? = nil, fileID: String? = nil, hash: String? = nil, raw: String = ""
    ) {
        self.code = code
        self.description = description
        self.reportID = reportID
        self.fileID = fileID
        self.hash = hash
        self.raw = raw
    }

    /// The largest answer read: responses are a few hundred bytes.
    public static let maxBytes = 64 << 10

    /// Parses a `<reportResponse>` document. The answer is flat, so each field is the text of its
    /// first element; entities are decoded; anything else is a `protocolError`.
    public static func parse(_ text: String) throws(ReportingError) -> ReportResponse {
        guard text.utf8.count <= maxBytes else { throw ReportingError(.protocolError, "the response is larger than 64 KiB") }
        guard text.contains("<reportResponse"), let codeText = element("responseCode", in: text) else {
            throw ReportingError(.protocolError, "the response is not a <reportResponse> with a <responseCode>")
        }
        guard let code = Int(codeText) else { throw ReportingError(.protocolError, "the response code is not a number") }
        return ReportResponse(
            code: code, description: element("responseDescription", in: text) ?? "", reportID: element("reportId", in: text),
            fileID: element("fileId", in: text), hash: element("hash", in: text), raw: text)
    }

    static func element(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "<\(name)>"),
            let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        let value = String(text[start.upperBound..<end.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : unescape(value)
    }

    static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// What the client does with this answer.
    public var outcome: Outcome { Outcome(code: code) }

    /// NCMEC's response codes, grouped by what the sender must do.
    public enum Outcome: String, Sendable, Equatable, CaseIterable {
        /// 0.
        case ok
        /// 1000, 1100, 1110, 1111 (server or save failures) and unknown codes: try again later.
        case retry
        /// 2000 (authentication required), 3000 (not authorised): stop sending and tell an operator.
        case authentication
        /// 4000, 4100 (validation failed), 4110 (malformed XML): the draft must change.
        case invalidDraft
        /// 5001, 5002: the report or file does not exist (expired after 24 h, or never made).
        case missing
        /// 5101: the report was already retracted.
        case alreadyRetracted
        /// 5102: the report was already finished: it is filed.
        case alreadyFinished

        public init(code: Int) {
            switch code {
            case 0: self = .ok
            case 2000, 3000: self = .authentication
            case 4000, 4100, 4110: self = .invalidDraft
            case 5001, 5002: self = .missing
            case 5101: self = .alreadyRetracted
            case 5102: self = .alreadyFinished
            default: self = .retry
            }
        }
    }
}
