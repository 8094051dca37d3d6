/// Exact-match sets for MD5, SHA-1 and SHA-256, keyed by the raw digest bits (not strings) so a
/// million entries cost tens of bytes each.
public struct DigestIndex: Sendable {
    /// Up to 256 bits of digest, zero-padded.
    struct Key: Hashable, Sendable {
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0
        var kind: UInt8

        init?(_ value: HashValue) {
            guard value.kind != .pdq else { return nil }
            kind = value.kind == .md5 ? 1 : value.kind == .sha1 ? 2 : 3
            var words: [UInt64] = [0, 0, 0, 0]
            for (i, c) in value.hex.utf8.enumerated() {
                let nibble = UInt64(c <= UInt8(ascii: "9") ? c - UInt8(ascii: "0") : c - UInt8(ascii: "a") + 10)
                words[i / 16] |= nibble << UInt64(60 - 4 * (i % 16))
            }
            (a, b, c, d) = (words[0], words[1], words[2], words[3])
        }
    }

    private var entries: [Key: [UInt32]] = [:]

    public init() {}

    public var count: Int { entries.values.reduce(0) { $0 + $1.count } }

    /// Adds `payload` under a digest value (PDQ values are ignored: they belong in `PDQIndex`).
    public mutating func insert(_ value: HashValue, payload: UInt32) {
        guard let key = Key(value) else { return }
        entries[key, default: []].append(payload)
    }

    @discardableResult
    public mutating func remove(_ value: HashValue, payload: UInt32) -> Bool {
        guard let key = Key(value), var payloads = entries[key], let i = payloads.firstIndex(of: payload) else { return false }
        payloads.remove(at: i)
        entries[key] = payloads.isEmpty ? nil : payloads
        return true
    }

    /// The payloads stored under exactly this digest.
    public func lookup(_ value: HashValue) -> [UInt32] {
        guard let key = Key(value) else { return [] }
        return entries[key] ?? []
    }
}
