import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilStore

/// The per-request context: who is calling.
public struct VigilRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated API key, set by `APIKeyMiddleware`.
    public var key: APIKeyRecord?
    /// The peer's address (the public report form limits by it).
    public var remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        key = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// Throws 401 without a key, 403 when the key lacks `scope`.
    func require(_ scope: APIScope) throws -> APIKeyRecord {
        guard let key else { throw APIError.unauthorized() }
        guard key.allows(scope) else { throw APIError.forbidden(scope.rawValue) }
        return key
    }
}

/// Resolves `Authorization: Bearer <key>` (or `X-API-Key`) to a stored key; unknown or revoked
/// keys get 401. Paths that need no key (health checks, the OpenAPI document) pass through.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let keys: any KeyStore
    var limiter: RateLimiter<Int64>?
    static let open: Set<String> = ["/healthz", "/readyz", "/openapi.json"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        // The review console authenticates people with its own sessions.
        if Self.open.contains(request.uri.path) || ConsoleRoutes.owns(request.uri.path)
            || PublicRoutes.owns(request.uri.path)
        {
            return try await next(request, context)
        }
        let header =
            request.headers[.authorization].flatMap { value -> String? in
                value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
            } ?? request.headers[HTTPField.Name("X-API-Key")!]
        guard let secret = header?.trimmingCharacters(in: .whitespaces), !secret.isEmpty else { throw APIError.unauthorized() }
        let key: APIKeyRecord?
        do { key = try keys.authenticate(secret) } catch {
            throw APIError(.serviceUnavailable, "store_unavailable", "the key store is unavailable")
        }
        guard let key else { throw APIError(.unauthorized, "unauthorized", "unknown or revoked API key") }
        if let wait = limiter?.take(key.id) {
            throw APIError(
                .tooManyRequests, "rate_limited", "this API key is over its request rate",
                retryAfter: max(1, Int(wait.rounded(.up))))
        }
        var context = context
        context.key = key
        return try await next(request, context)
    }
}
