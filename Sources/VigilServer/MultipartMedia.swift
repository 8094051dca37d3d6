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
