import AsyncHTTPClient
import Dispatch
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif
// The socket address structs may come through NIO's C module when it is loaded first.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// Fetches media from a URL a caller names, without letting the caller reach what the server
/// can reach: only http(s), allowed ports, public addresses (unless configured), every redirect
/// re-checked and capped, a byte limit before and while reading, and a deadline on the whole.
///
/// For http the connection goes to the checked address itself (the Host header keeps the name),
/// so a DNS answer that changes between check and connect (rebinding) cannot redirect it. For
/// https the name is connected to and TLS verification binds it; a rebinding attacker would need
/// a certificate for their own name on the internal service.
struct URLFetcher: Sendable {
    let client: HTTPClient
    let policy: FetchPolicy

    func fetch(_ text: String) async throws -> [UInt8] {
        switch try await retrieve(text) {
        case .media(let bytes): return bytes
        case .status(let code):
            throw APIError(.unprocessableContent, "fetch_failed", "the URL answered HTTP \(code), not the media")
        }
    }

    /// What a URL answered after redirects: its media, or a non-2xx status.
    enum Retrieved: Sendable {
        case media([UInt8])
        case status(Int)
    }

    func retrieve(_ text: String) async throws -> Retrieved {
        let deadline = NIODeadline.now() + .milliseconds(Int64(policy.timeoutSeconds * 1000))
        var current = try parse(text)
        var visited: Set<String> = []
        for hop in 0...policy.maxRedirects {
            visited.insert(current.absoluteString)
            let response = try await request(current, deadline: deadline)
            if (300..<400).contains(Int(response.status.code)), let location = response.headers.first(name: "location") {
                guard hop < policy.maxRedirects else { break }
                guard let next = URL(string: location, relativeTo: current)?.absoluteURL else {
                    throw APIError(.unprocessableContent, "bad_redirect", "the URL redirected to an invalid location")
                }
                current = try parse(next.absoluteString)
                if visited.contains(current.absoluteString) {
                    throw APIError(.unprocessableContent, "redirect_loop", "the URL redirects in a loop")
                }
                continue
            }
            guard (200..<300).contains(Int(response.status.code)) else { return .status(Int(response.status.code)) }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > policy.maxBytes {
                throw APIError(.contentTooLarge, "too_large", "the URL's media exceeds \(policy.maxBytes) bytes")
            }
            do {
                return .media(Array(buffer: try await response.body.collect(upTo: policy.maxBytes)))
            } catch let error as NIOTooManyBytesError {
                _ = error
                throw APIError(.contentTooLarge, "too_large", "the URL's media exceeds \(policy.maxBytes) bytes")
            } catch {
                throw Self.transportError(error)
            }
        }
        throw APIError(
            .unprocessableContent, "too_many_redirects", "the URL redirected more than \(policy.maxRedirects) times")
    }

    /// Only absolute http(s) URLs with a host and an allowed port.
    func parse(_ text: String) throws -> URL {
        guard text.utf8.count <= 8192, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw APIError(.badRequest, "bad_url", "url must be an absolute http or https URL")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        if let allowed = policy.allowedPorts, !allowed.contains(port) {
            throw APIError(.unprocessableContent, "url_forbidden", "port \(port) is not allowed for fetching")
        }
        return url
    }

    /// The addresses a URL's host resolves to, refused (422 `url_forbidden`) when any is not
    /// public and the policy does not allow private networks.
    func checkedAddresses(_ url: URL, deadline: NIODeadline) async throws -> [IPAddress] {
        let addresses = try await Self.resolve(url.host!, deadline: deadline)
        guard !addresses.isEmpty else {
            throw APIError(.unprocessableContent, "fetch_failed", "the URL's host does not resolve")
        }
        if !policy.allowPrivateNetworks, let refused = addresses.first(where: { !$0.isPublic }) {
            throw APIError(
                .unprocessableContent, "url_forbidden",
                "the URL's host resolves to a \(refused.classification) address, which is not fetched")
        }
        return addresses
    }

    /// Checks a URL someone submits (the report form, the takedown API) as a fetch would, without
    /// fetching it: scheme, port, and the addresses its host resolves to.
    func vet(_ text: String) async throws -> URL {
        let url = try parse(text)
        _ = try await checkedAddresses(url, deadline: NIODeadline.now() + .milliseconds(Int64(policy.timeoutSeconds * 1000)))
        return url
    }

    private func request(_ url: URL, deadline: NIODeadline) async throws -> HTTPClientResponse {
        let host = url.host!
        let first = try await checkedAddresses(url, deadline: deadline)[0]
        var target = url
        var request: HTTPClientRequest
        if url.scheme?.lowercased() == "http" {
            var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
            components.host = first.literal
            target = components.url ?? url
            request = HTTPClientRequest(url: target.absoluteString)
            request.headers.replaceOrAdd(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
        } else {
            request = HTTPClientRequest(url: url.absoluteString)
        }
        request.headers.add(name: "User-Agent", value: "vigil-fetch")
        request.headers.add(name: "Accept", value: "image/*, video/*, application/octet-stream;q=0.5")
        do {
            return try await client.execute(request, deadline: deadline)
        } catch {
            throw Self.transportError(error)
        }
    }

    static func transportError(_ error: any Error) -> APIError {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
        {
            return APIError(.unprocessableContent, "fetch_timeout", "fetching the URL took too long")
        }
        if let error = error as? APIError { return error }
        return APIError(.unprocessableContent, "fetch_failed", "the URL could not be fetched")
    }

    /// Resolves a host name (or parses an IP literal) off the cooperative threads, giving up at
    /// `deadline` (getaddrinfo itself cannot be interrupted; its late answer is dropped).
    static func resolve(_ host: String, deadline: NIODeadline) async throws -> [IPAddress] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let literal = IPAddress(literal: bare) { return [literal] }
        let remaining = max(0, (deadline - NIODeadline.now()).nanoseconds)
        let answer: [IPAddress]? = await withCheckedContinuation { continuation in
            let once = Once()
            let finish: @Sendable ([IPAddress]?) -> Void = { value in
                if once.first() { continuation.resume(returning: value) }
            }
            DispatchQueue.global().async { finish(lookup(bare)) }
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(remaining))) { finish(nil) }
        }
        guard let answer else { throw APIError(.unprocessableContent, "fetch_timeout", "resolving the URL's host took too long") }
        return answer
    }

    private static func lookup(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0 else { return [] }
        defer { freeaddrinfo(result) }
        var addresses: [IPAddress] = []
        var node = result
        while let info = node {
            if let sa = info.pointee.ai_addr {
                if info.pointee.ai_family == AF_INET {
                    let bytes = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                        withUnsafeBytes(of: p.pointee.sin_addr) { Array($0) }
                    }
                    addresses.append(IPAddress(bytes: bytes))
                } else if info.pointee.ai_family == AF_INET6 {
                    let bytes = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                        withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) }
                    }
                    addresses.append(IPAddress(bytes: bytes))
                }
            }
            node = info.pointee.ai_next
        }
        return addresses
    }
}

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address and its class.
struct IPAddress: Sendable, Equatable {
    let bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    init?(literal: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            bytes = withUnsafeBytes(of: v4) { Array($0) }
        } else if inet_pton(AF_INET6, literal, &v6) == 1 {
            bytes = withUnsafeBytes(of: v6) { Array($0) }
        } else {
            return nil
        }
    }

    /// The text form, bracketed for IPv6 as a URL host needs.
    var literal: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
        return "[" + String(cString: text) + "]"
    }

    var isPublic: Bool { classification == "public" }

    /// `public`, or why not: loopback, private, link-local (cloud metadata lives there), and so on.
    var classification: String {
        if bytes.count == 4 { return Self.classifyV4(bytes) }
        let b = bytes
        if b[0..<15].allSatisfy({ $0 == 0 }) { return b[15] == 1 ? "loopback" : "unspecified" }
        // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible and NAT64 (64:ff9b::/96) embed an IPv4 address.
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return Self.classifyV4(Array(b[12..<16])) }
        if b[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return Self.classifyV4(Array(b[12..<16])) }
        if b[0] == 0xfe && (b[1] & 0xc0) == 0x80 { return "link-local" }
        if (b[0] & 0xfe) == 0xfc { return "private" }
        if b[0] == 0xff { return "multicast" }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 { return "documentation" }
        if b[0] == 0x20 && b[1] == 0x02 { return Self.classifyV4(Array(b[2..<6])) }  // 6to4 embeds one too
        return "public"
    }

    private static func classifyV4(_ b: [UInt8]) -> String {
        switch (b[0], b[1]) {
        case (0, _): return "unspecified"
        case (10, _): return "private"
        case (100, 64...127): return "shared (carrier-grade NAT)"
        case (127, _): return "loopback"
        case (169, 254): return "link-local"
        case (172, 16...31): return "private"
        case (192, 168): return "private"
        case (192, 0) where b[2] == 0 || b[2] == 2: return "reserved"
        case (198, 18...19): return "benchmarking"
        case (198, 51) where b[2] == 100: return "documentation"
        case (203, 0) where b[2] == 113: return "documentation"
        case (224...239, _): return "multicast"
        case (240...255, _): return "reserved"
        default: return "public"
        }
    }
}

/// True for the first caller only.
final class Once: Sendable {
    private let done = Mutex(false)

    func first() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }
}
