import Crypto
import Foundation

/// What an API key may do.
public enum APIScope: String, Sendable, CaseIterable, Codable {
    /// Submit media for scanning and hashing.
    case scan
    /// Look up hashes computed by the caller.
    case lookup
    /// See bank contents: labels and stored hashes.
    case banksRead = "banks:read"
    /// Create banks and change their entries.
    case banksWrite = "banks:write"
    /// Draft, read and submit CyberTipline reports.
    case reports
    /// Everything, including key management.
    case admin
    /// Create, list and read takedown notices (`/v1/takedowns`).
    case takedowns
}

/// An API key as stored: only a SHA-256 of the secret is kept.
public struct APIKeyRecord: Sendable, Hashable {
    public var id: Int64
    public var name: String
    /// The public part of the key (`vgl_<prefix>_…`), used to find the record.
    public var prefix: String
    public var scopes: Set<APIScope>
    public var createdAt: String
    public var revoked: Bool

    public init(id: Int64, name: String, prefix: String, scopes: Set<APIScope>, createdAt: String, revoked: Bool) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.scopes = scopes
        self.createdAt = createdAt
        self.revoked = revoked
    }

    public func allows(_ scope: APIScope) -> Bool { !revoked && (scopes.contains(scope) || scopes.contains(.admin)) }
}

/// Persistence of API keys.
public protocol KeyStore: Sendable {
    /// Creates a key and returns its record and the secret, which is shown once and never stored.
    func createKey(name: String, scopes: Set<APIScope>) throws(StoreError) -> (record: APIKeyRecord, secret: String)
    /// The live key matching `secret`, or nil.
    func authenticate(_ secret: String) throws(StoreError) -> APIKeyRecord?
    func keys() throws(StoreError) -> [APIKeyRecord]
    func revokeKey(named name: String) throws(StoreError)
}

/// Key format and hashing shared by key store implementations.
public enum APIKeyFormat {
    /// `vgl_` + 12 hex prefix + `_` + 40 hex secret: 208 random bits in all.
    public static func generate() -> (prefix: String, secret: String) {
        var generator = SystemRandomNumberGenerator()
        func hex(_ bytes: Int) -> String {
            (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        }
        let prefix = hex(6)
        return (prefix, "vgl_\(prefix)_\(hex(20))")
    }

    /// The prefix of a well-formed key, or nil.
    public static func prefix(of secret: String) -> String? {
        let parts = secret.split(separator: "_")
        guard parts.count == 3, parts[0] == "vgl", parts[1].count == 12, parts[2].count == 40 else { return nil }
        return String(parts[1])
    }

    public static func digest(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two equal-length strings in time independent of where they differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
