import Foundation
import HTTPTypes
import MultipartKit
import NIOCore

/// Takes the media out of a `multipart/form-data` body: the part named `file` or `media`, else
/// the first part with a filename. The body was already bounded by the request limit.
enum MultipartMedia {
    static func extract(_ body: ByteBuffer, contentType: String) throws -> [UInt8] {
        guard let boundary = boundary(of: contentType) else {
            throw APIError(.badRequest, "bad_multipart", "multipart/form-data needs a boundary parameter")
        }
        // MultipartKit 4.7 indexes a 128-entry table with each header-name byte and traps on bytes
        // ≥ 0x80: refuse such bodies before it sees them.
        guard headerNamesAreASCII(body, boundary: boundary) else {
            throw APIError(.badRequest, "bad_multipart", "a part header name is not ASCII")
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [(headers: [String: String], body: [UInt8])] = []
        var headers: [String: String] = [:]
        var current: [UInt8] = []
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in current += buffer.readableBytesView }
        parser.onPartComplete = {
            if parts.count < 64 { parts.append((headers, current)) }
            headers = [:]
            current = []
        }
        do {
            try parser.execute(body)
        } catch {
            throw APIError(.badRequest, "bad_multipart", "the multipart body is malformed")
        }
        func disposition(_ part: (headers: [String: String], body: [UInt8]), _ key: String) -> String? {
            guard let value = part.headers["content-disposition"] else { return nil }
            for item in value.split(separator: ";") {
                let pair = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0].lowercased() == key {
                    return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
            return nil
        }
        let chosen =
            parts.first { ["file", "media"].contains(disposition($0, "name") ?? "") }
            ?? parts.first { disposition($0, "filename") != nil }
        guard let chosen else {
            throw APIError(.badRequest, "bad_multipart", "the form has no file part (name it \"file\")")
        }
        guard !chosen.body.isEmpty else { throw APIError(.badRequest, "empty", "the file part is empty") }
        return chosen.body
    }

    /// Whether every byte that a multipart parser could read as part of a header name — up to the
    /// first ':' of each line from a delimiter to the blank line ending its headers — is ASCII.
    static func headerNamesAreASCII(_ body: ByteBuffer, boundary: String) -> Bool {
        let bytes = body.readableBytesView
        let delimiter = Array(("--" + boundary).utf8)
        var i = bytes.startIndex
        while let found = bytes[i...].firstRange(of: delimiter) {
            var p = found.upperBound
            // Skip to the end of the delimiter line; headers start on the next line.
            while p < bytes.endIndex, bytes[p] != UInt8(ascii: "\n") { p += 1 }
            p += 1
            var inName = true, lineLength = 0
            while p < bytes.endIndex {
                let b = bytes[p]
                if b == UInt8(ascii: "\n") {
                    if lineLength == 0 { break }  // the blank line: the part's body follows
                    inName = true
                    lineLength = 0
                } else if b != UInt8(ascii: "\r") {
                    if inName && b >= 0x80 { return false }
                    if b == UInt8(ascii: ":") { inName = false }
                    lineLength += 1
                }
                p += 1
            }
            i = found.upperBound
        }
        return true
    }

    static func boundary(of contentType: String) -> String? {
        for item in contentType.split(separator: ";").dropFirst() {
            let pair = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(value.count) ? value : nil
            }
        }
        return nil
    }
}
