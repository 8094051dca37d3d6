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

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = JSONValue.object([("error", .object([("code", .string(code)), ("message", .string(message))]))])
        return Response.json(body, status: status)
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
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized + "\n")))
    }
}
