/// A 256-bit PDQ hash. Bit `k` is worth 2^k in the canonical 64-hex-digit form
/// (most significant digit first), the form pdqhash, HMA and ThreatExchange exchange.
public struct PDQHash: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Bits 0–63, 64–127, 128–191 and 192–255.
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    public static let zero = PDQHash(0, 0, 0, 0)

    /// Parses 64 hexadecimal digits (either case); returns nil for anything else.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, c) in utf8.enumerated() {
            let nibble: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            let word = 3 - i / 16
            words[word] = words[word] << 4 | UInt64(nibble)
        }
        self.init(words[0], words[1], words[2], words[3])
    }

    /// The canonical lowercase hex form.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 64)
        for (index, word) in [w3, w2, w1, w0].enumerated() {
            for nibble in 0..<16 {
                out[index * 16 + nibble] = digits[Int((word >> UInt64(60 - 4 * nibble)) & 0xF)]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    /// Whether bit `k` (0…255) is set.
    public func bit(_ k: Int) -> Bool {
        let word = [w0, w1, w2, w3][k >> 6]
        return (word >> UInt64(k & 63)) & 1 == 1
    }

    /// Sets bit `k` (0…255).
    public mutating func setBit(_ k: Int) {
        let mask = UInt64(1) << UInt64(k & 63)
        switch k >> 6 {
        case 0: w0 |= mask
        case 1: w1 |= mask
        case 2: w2 |= mask
        default: w3 |= mask
        }
    }

    /// The Hamming distance: the number of differing bits.
    @inline(__always)
    public func distance(to other: PDQHash) -> Int {
        (w0 ^ other.w0).nonzeroBitCount + (w1 ^ other.w1).nonzeroBitCount
            + (w2 ^ other.w2).nonzeroBitCount + (w3 ^ other.w3).nonzeroBitCount
    }

    public static func < (a: PDQHash, b: PDQHash) -> Bool {
        (a.w3, a.w2, a.w1, a.w0) < (b.w3, b.w2, b.w1, b.w0)
    }
}

/// A PDQ hash with its quality (0–100; below 50 the hash should not be trusted).
public struct PDQResult: Hashable, Sendable {
    public var hash: PDQHash
    public var quality: Int

    public init(hash: PDQHash, quality: Int) {
        self.hash = hash
        self.quality = quality
    }
}

/// The eight dihedral variants of an image's PDQ hash, computed in the DCT domain.
public enum DihedralVariant: Int, CaseIterable, Sendable, CustomStringConvertible {
    case original, rotate90, rotate180, rotate270, flipX, flipY, flipPlus1, flipMinus1

    public var description: String {
        switch self {
        case .original: "original"
        case .rotate90: "rot90"
        case .rotate180: "rot180"
        case .rotate270: "rot270"
        case .flipX: "flipx"
        case .flipY: "flipy"
        case .flipPlus1: "flip+1"
        case .flipMinus1: "flip-1"
        }
    }
}
