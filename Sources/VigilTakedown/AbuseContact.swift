import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Reads abuse contacts out of RDAP answers (RFC 9083): the email of an entity (at any depth)
/// whose roles include `abuse`, from its jCard `vcardArray`.
public enum RDAPResponse {
    /// The first abuse email in `json`, or nil. Nesting deeper than 16 entities is ignored.
    public static func abuseEmail(_ json: Any) -> String? {
        guard let object = json as? [String: Any] else { return nil }
        return search(object["entities"], depth: 0)
    }

    private static func search(_ entities: Any?, depth: Int) -> String? {
        guard depth < 16, let list = entities as? [[String: Any]] else { return nil }
        for entity in list {
            let roles = (entity["roles"] as? [String])?.map { $0.lowercased() } ?? []
            if roles.contains("abuse"), let email = email(entity["vcardArray"]) { return email }
        }
        for entity in list {
            if let found = search(entity["entities"], depth: depth + 1) { return found }
        }
        return nil
    }

    /// `["vcard", [["email", {}, "text", "abuse@example.net"], …]]`.
    static func email(_ vcard: Any?) -> String? {
        guard let card = vcard as? [Any], card.count >= 2, let properties = card[1] as? [Any] else { return nil }
        for case let property as [Any] in properties where property.count >= 4 {
            guard (property[0] as? String)?.lowercased() == "email", let value = property[3] as? String else { continue }
            let address = value.hasPrefix("mailto:") ? String(value.dropFirst(7)) : value
            if EmailAddress.isValid(address) { return address }
        }
        return nil
    }
}

/// Queries an RDAP service (`rdap.org` bootstraps to the registry that answers; tests point the
/// base URL at a local double): `ip/<address>` for the hosting network, then `domain/<name>` for
/// the registrar. Redirects (up to 3) are followed; answers are capped at 1 MiB.
public struct RDAPClient: Sendable {
    public let base: String
    public let client: HTTPClient
    public var timeoutSeconds: Double

    public init(base: String, client: HTTPClient, timeoutSeconds: Double = 10) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.client = client
        self.timeoutSeconds = timeoutSeconds
    }

    public func abuseEmail(ip: String) async -> String? { await query("ip/" + ip) }

    /// The host's name, then its parent domains down to two labels.
    public func abuseEmail(domain host: String) async -> String? {
        var labels = host.lowercased().split(separator: ".").map(String.init)
        while labels.count >= 2 {
            if let found = await query("domain/" + labels.joined(separator: ".")) { return found }
            labels.removeFirst()
        }
        return nil
    }

    private func query(_ path: String) async -> String? {
        guard let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) else { return nil }
        var url = base + "/" + escaped
        let deadline = NIODeadline.now() + .milliseconds(Int64(timeoutSeconds * 1000))
        for _ in 0...3 {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/rdap+json, application/json")
            request.headers.add(name: "User-Agent", value: "vigil-takedown")
            guard let response = try? await client.execute(request, deadline: deadline) else { return nil }
            let status = Int(response.status.code)
            if (300..<400).contains(status), let location = response.headers.first(name: "location"),
                let next = URL(string: location, relativeTo: URL(string: url))?.absoluteString,
                next.hasPrefix("https://") || next.hasPrefix("http://")
            {
                url = next
                continue
            }
            guard status == 200, let body = try? await response.body.collect(upTo: 1 << 20),
                let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))
            else { return nil }
            return RDAPResponse.abuseEmail(json)
        }
        return nil
    }
}

/// Finds where a takedown notice goes: DNS resolution (the host must exist), then RDAP for the
/// hosting network's abuse contact, then the domain's; nil when none answers (an analyst then
/// enters one by hand).
public struct AbuseContactFinder: Sendable {
    /// Resolves a host name to IP address literals.
    public var resolve: @Sendable (String) async -> [String]
    public var rdap: RDAPClient?

    public init(resolve: @escaping @Sendable (String) async -> [String], rdap: RDAPClient?) {
        self.resolve = resolve
        self.rdap = rdap
    }

    /// The contact and where it came from (`rdap-ip`, `rdap-domain`).
    public func find(host: String) async -> (contact: String, source: String)? {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = await resolve(bare)
        guard let rdap else { return nil }
        for address in addresses.prefix(2) {
            let literal = address.hasPrefix("[") ? String(address.dropFirst().dropLast()) : address
            if let email = await rdap.abuseEmail(ip: literal) { return (email, "rdap-ip") }
        }
        let isLiteral = bare.contains(":") || bare.split(separator: ".").allSatisfy { Int($0) != nil }
        if !isLiteral, let email = await rdap.abuseEmail(domain: bare) { return (email, "rdap-domain") }
        return nil
    }
}
