/// A decoded (or known) watermark: a sequence of bits, bit 0 first.
public struct WatermarkBits: Sendable, Hashable, CustomStringConvertible {
    /// The bits in payload order (the encoder's bit 0 — the most significant bit of its first byte — first).
    public var bits: [Bool]

    public init(_ bits: [Bool]) { self.bits = bits }

    /// The bits of `bytes`, most significant bit of each byte first (numpy's `unpackbits`, which the
    /// reference encoder uses for byte payloads).
    public init(bytes: some Sequence<UInt8>) {
        bits = bytes.flatMap { byte in (0..<8).map { byte & (0x80 >> $0) != 0 } }
    }

    /// The low `count` bits of `value`, most significant first.
    public init(value: UInt64, count: Int) {
        precondition((0...64).contains(count), "a UInt64 holds at most 64 bits")
        bits = (0..<count).map { value >> UInt64(count - 1 - $0) & 1 == 1 }
    }

    public var count: Int { bits.count }

    /// "0"/"1" characters, bit 0 first.
    public var bitString: String { String(bits.map { $0 ? "1" : "0" }) }

    /// Lowercase hex of the bits, most significant first; a length that is not a multiple of 4 is
    /// padded with zero bits at the end to complete the last digit.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        return String(
            stride(from: 0, to: bits.count, by: 4).map { start in
                var nibble = 0
                for i in start..<start + 4 { nibble = nibble << 1 | (i < bits.count && bits[i] ? 1 : 0) }
                return digits[nibble]
            })
    }

    /// Every bit inverted.
    public var complement: WatermarkBits { WatermarkBits(bits.map { !$0 }) }

    /// How many positions agree with `other` (compared over the shorter length).
    public func agreement(with other: WatermarkBits) -> Int {
        zip(bits, other.bits).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
    }

    public var description: String { bitString }
}
