import VigilHashing

/// The kinds of fingerprint Vigil stores and matches.
public enum HashKind: String, Sendable, CaseIterable, Codable, Comparable {
    case pdq, md5, sha1, sha256

    /// Hex digits in the canonical form.
    public var hexLength: Int {
        switch self {
        case .pdq: 64
        case .md5: 32
        case .sha1: 40
        case .sha256: 64
        }
    }

    public static func < (a: HashKind, b: HashKind) -> Bool { a.rawValue < b.rawValue }
}

/// One fingerprint in canonical form: its kind and lowercase hex.
public struct HashValue: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let kind: HashKind
    public let hex: String

    /// Validates and canonicalises `hex` (case-insensitive, surrounding spaces ignored); nil if it
    /// is not exactly `kind.hexLength` hexadecimal digits.
    public init?(kind: HashKind, hex: some StringProtocol) {
        let trimmed = hex.utf8.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        let bytes = Array(trimmed.reversed())
        guard bytes.count == kind.hexLength else { return nil }
        var lower = [UInt8]()
        lower.reserveCapacity(bytes.count)
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): lower.append(b)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): lower.append(b + 32)
            default: return nil
            }
        }
        self.kind = kind
        self.hex = String(decoding: lower, as: UTF8.self)
    }

    public init(_ pdq: PDQHash) {
        kind = .pdq
        hex = pdq.hex
    }

    /// The PDQ hash, when this is one.
    public var pdq: PDQHash? { kind == .pdq ? PDQHash(hex: hex) : nil }

    public var description: String { "\(kind.rawValue):\(hex)" }

    public static func < (a: HashValue, b: HashValue) -> Bool { (a.kind, a.hex) < (b.kind, b.hex) }
}
