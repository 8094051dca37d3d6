import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilCore

/// An error answered as `{"error": {"code", "message"}}` with its HTTP status. Messages never
/// carry media content or list contents.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Seconds, for 429 and 503 answers.
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// `{"error": {"code", "message"}}`.
    public var json: JSONValue {
        .object([("error", .object([("code", .string(code)), ("message", .string(message))]))])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(json, status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    static func unauthorized() -> APIError {
        APIError(.unauthorized, "unauthorized", "an API key is required (Authorization: Bearer <key>)")
    }

    static func forbidden(_ scope: String) -> APIError {
        APIError(.forbidden, "forbidden", "this API key lacks the \(scope) scope")
    }
}

extension Response {
    /// A JSON response from an ordered JSON value.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(text: value.serialized, status: status)
    }

    /// A JSON response from JSON text (a stored result).
    static func json(text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}

extension Request {
    /// The integer query parameter `name`, `fallback` when it is absent; a value that is not an
    /// integer in `range` is a 400 `bad_paging` naming the parameter.
    func queryInteger(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = uri.queryParameters[name[...]] else { return fallback }
        guard let value = Int(String(text)), range.contains(value) else {
            throw APIError(.badRequest, "bad_paging", "\(name) must be an integer \(range.lowerBound)–\(range.upperBound)")
        }
        return value
    }
}
