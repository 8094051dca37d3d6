import HTTPTypes
import Hummingbird

/// Answers 405 with an `Allow` header when a known path is called with a method it does not
/// serve (the router alone would answer 404), and 404 as JSON for unknown paths.
struct MethodMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext

    /// Path patterns (`*` is one segment) and the methods each serves.
    static let routes: [(pattern: [String], methods: [HTTPRequest.Method])] = [
        (["healthz"], [.get]), (["readyz"], [.get]), (["openapi.json"], [.get]), (["metrics"], [.get]),
        (["v1", "hash"], [.post]), (["v1", "scan"], [.post]), (["v1", "scans", "*"], [.get]), (["v1", "lookup"], [.post]),
        (["v1", "banks"], [.get, .post]), (["v1", "banks", "*"], [.get, .delete]),
        (["v1", "banks", "*", "entries"], [.get, .post]), (["v1", "banks", "*", "import"], [.post]),
        (["v1", "audit"], [.get]),
        (["v1", "takedowns"], [.get, .post]), (["v1", "takedowns", "*"], [.get]), (["v1", "transparency"], [.get]),
        (["report"], [.get, .post]), (["report", "challenge"], [.get]), (["transparency"], [.get]),
        (["public", "report.js"], [.get]), (["public", "vigil.css"], [.get]),
        (["v1", "reports"], [.get, .post]), (["v1", "reports", "*"], [.get, .patch]),
        (["v1", "reports", "*", "submit"], [.post]),
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        if ConsoleRoutes.owns(request.uri.path) { return try await next(request, context) }
        let segments = request.uri.path.split(separator: "/").map(String.init)
        guard let route = Self.routes.first(where: { Self.matches($0.pattern, segments) }) else {
            throw APIError(.notFound, "not_found", "no such endpoint")
        }
        guard route.methods.contains(request.method) || (request.method == .head && route.methods.contains(.get)) else {
            let allowed = route.methods.map(\.rawValue).joined(separator: ", ")
            var response = try APIError(.methodNotAllowed, "method_not_allowed", "allowed: \(allowed)").response(
                from: request, context: context)
            response.headers[.allow] = allowed
            return response
        }
        return try await next(request, context)
    }

    static func matches(_ pattern: [String], _ segments: [String]) -> Bool {
        pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0 == "*" || $0 == $1 }
    }
}
