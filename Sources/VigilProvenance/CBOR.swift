/// A decoded CBOR data item (RFC 8949). Maps keep their order; keys may be any item.
public indirect enum CBOR: Sendable, Equatable {
    case unsigned(UInt64)
    /// The value −1 − n.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([(CBOR, CBOR)])
    case tagged(UInt64, CBOR)
    case bool(Bool)
    case null
    case undefined
    case simple(UInt8)
    case double(Double)

    public static func == (a: CBOR, b: CBOR) -> Bool {
        switch (a, b) {
        case (.unsigned(let x), .unsigned(let y)), (.negative(let x), .negative(let y)): return x == y
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.text(let x), .text(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.map(let x), .map(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.tagged(let t, let x), .tagged(let u, let y)): return t == u && x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null), (.undefined, .undefined): return true
        case (.simple(let x), .simple(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
        default: return false
        }
    }

    /// The value of `key` (a text key) in a map, else nil.
    public subscript(key: String) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0 == .text(key) }?.1
    }

    /// The value of integer `key` in a map, else nil.
    public subscript(int key: Int) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0.int == key }?.1
    }

    public var string: String? { if case .text(let s) = self { return s } else { return nil } }
    public var byteString: [UInt8]? { if case .bytes(let b) = self { return b } else { return nil } }
    public var arrayValue: [CBOR]? { if case .array(let a) = self { return a } else { return nil } }
    /// The item without any tags around it.
    public var untagged: CBOR { if case .tagged(_, let v) = self { return v.untagged } else { return self } }
    public var int: Int? {
        switch self {
        case .unsigned(let n): return n <= UInt64(Int.max) ? Int(n) : nil
        case .negative(let n): return n < UInt64(Int.max) ? -1 - Int(n) : nil
        default: return nil
        }
    }
}

/// Limits checked before anything is allocated, so hostile input cannot exhaust memory or stack.
public struct CBORLimits: Sendable {
    public var maxDepth = 64
    public var maxItems = 1_000_000
    public init() {}
}

/// A CBOR decoder for definite and indefinite lengths and tags, with depth and size limits.
public struct CBORDecoder {
    private let bytes: [UInt8]
    private var offset: Int
    private var items = 0
    private let limits: CBORLimits
    private let context: String

    /// Decodes exactly one item spanning all of `bytes`; `context` names the structure in errors.
    public static func decode(_ bytes: [UInt8], context: String, limits: CBORLimits = CBORLimits()) throws(ProvenanceError)
        -> CBOR
    {
        var decoder = CBORDecoder(bytes: bytes, offset: 0, limits: limits, context: context)
        let value = try decoder.item(depth: 0)
        guard decoder.offset == bytes.count else {
            throw ProvenanceError(.malformed, "\(context): \(bytes.count - decoder.offset) bytes after the CBOR item")
        }
        return value
    }

    private func fail(_ code: ProvenanceError.Code, _ what: String) -> ProvenanceError {
        ProvenanceError(code, "\(context): CBOR \(what) at offset \(offset)")
    }

    private mutating func byte() throws(ProvenanceError) -> UInt8 {
        guard offset < bytes.count else { throw fail(.truncated, "ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func uint(_ count: Int) throws(ProvenanceError) -> UInt64 {
        guard bytes.count - offset >= count else { throw fail(.truncated, "ends early") }
        var v: UInt64 = 0
        for i in 0..<count { v = v << 8 | UInt64(bytes[offset + i]) }
        offset += count
        return v
    }

    /// The argument of a head; nil for the indefinite-length marker (additional info 31).
    private mutating func argument(_ info: UInt8) throws(ProvenanceError) -> UInt64? {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return try uint(1)
        case 25: return try uint(2)
        case 26: return try uint(4)
        case 27: return try uint(8)
        case 31: return nil
        default: throw fail(.malformed, "reserved additional information \(info)")
        }
    }

    /// A declared length checked against the bytes left before anything is allocated.
    private func length(_ n: UInt64, unit: Int) throws(ProvenanceError) -> Int {
        guard n <= UInt64(bytes.count - offset) / UInt64(unit) else {
            throw fail(.limitExceeded, "length \(n) past the end of the data")
        }
        return Int(n)
    }

    private mutating func countItem() throws(ProvenanceError) {
        items += 1
        guard items <= limits.maxItems else { throw fail(.limitExceeded, "item count past \(limits.maxItems)") }
    }

    private mutating func item(depth: Int) throws(ProvenanceError) -> CBOR {
        guard depth <= limits.maxDepth else { throw fail(.limitExceeded, "nesting deeper than \(limits.maxDepth)") }
        try countItem()
        let head = try byte()
        let major = head >> 5
        let info = head & 0x1f
        if major == 7 { return try simple(info) }
        let arg = try argument(info)
        switch major {
        case 0, 1:
            guard let n = arg else { throw fail(.malformed, "indefinite integer") }
            return major == 0 ? .unsigned(n) : .negative(n)
        case 2, 3:
            var out: [UInt8] = []
            if let n = arg {
                let count = try length(n, unit: 1)
                out = Array(bytes[offset..<offset + count])
                offset += count
            } else {
                while true {
                    guard offset < bytes.count else { throw fail(.truncated, "ends in an indefinite string") }
                    if bytes[offset] == 0xff {
                        offset += 1
                        break
                    }
                    let chunk = try item(depth: depth + 1)
                    switch (major, chunk) {
                    case (2, .bytes(let b)): out += b
                    case (3, .text(let t)): out += Array(t.utf8)
                    default: throw fail(.malformed, "indefinite string chunk of another type")
                    }
                }
            }
            if major == 2 { return .bytes(out) }
            guard let text = String(validating: out, as: UTF8.self) else { throw fail(.malformed, "text that is not UTF-8") }
            return .text(text)
        case 4:
            var out: [CBOR] = []
            if let n = arg {
                let count = try length(n, unit: 1)
                out.reserveCapacity(count)
                for _ in 0..<count { out.append(try item(depth: depth + 1)) }
            } else {
                while try !atBreak() { out.append(try item(depth: depth + 1)) }
            }
            return .array(out)
        case 5:
            var out: [(CBOR, CBOR)] = []
            if let n = arg {
                let count = try length(n, unit: 2)
                out.reserveCapacity(count)
                for _ in 0..<count { out.append((try item(depth: depth + 1), try item(depth: depth + 1))) }
            } else {
                while try !atBreak() { out.append((try item(depth: depth + 1), try item(depth: depth + 1))) }
            }
            return .map(out)
        default:  // 6: tag
            guard let tag = arg else { throw fail(.malformed, "indefinite tag") }
            return .tagged(tag, try item(depth: depth + 1))
        }
    }

    private mutating func atBreak() throws(ProvenanceError) -> Bool {
        guard offset < bytes.count else { throw fail(.truncated, "ends in an indefinite container") }
        if bytes[offset] == 0xff {
            offset += 1
            return true
        }
        return false
    }

    private mutating func simple(_ info: UInt8) throws(ProvenanceError) -> CBOR {
        switch info {
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 24: return .simple(try byte())
        case 25: return .double(Double(Self.half(UInt16(try uint(2)))))
        case 26: return .double(Double(Float(bitPattern: UInt32(try uint(4)))))
        case 27: return .double(Double(bitPattern: try uint(8)))
        case 31: throw fail(.malformed, "break outside an indefinite container")
        case 0..<20: return .simple(info)
        default: throw fail(.malformed, "reserved simple value")
        }
    }

    private static func half(_ h: UInt16) -> Float {
        let exponent = Int((h >> 10) & 0x1f)
        let mantissa = Float(h & 0x3ff)
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

/// Encodes the few CBOR shapes Vigil writes itself: the COSE `Sig_structure`.
enum CBOREncoder {
    static func head(_ major: UInt8, _ n: Int) -> [UInt8] {
        let m = major << 5
        switch n {
        case 0..<24: return [m | UInt8(n)]
        case 24..<256: return [m | 24, UInt8(n)]
        case 256..<65536: return [m | 25, UInt8(n >> 8), UInt8(n & 0xff)]
        case 65536..<(1 << 32): return [m | 26] + (0..<4).reversed().map { UInt8((n >> ($0 * 8)) & 0xff) }
        default: return [m | 27] + (0..<8).reversed().map { UInt8((n >> ($0 * 8)) & 0xff) }
        }
    }
    static func bytes(_ b: [UInt8]) -> [UInt8] { head(2, b.count) + b }
    static func text(_ s: String) -> [UInt8] { head(3, s.utf8.count) + Array(s.utf8) }
}
