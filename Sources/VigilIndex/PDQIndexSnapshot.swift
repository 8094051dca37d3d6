import Foundation
import VigilHashing

/// The on-disk snapshot of a `PDQIndex`: live entries only, 36 bytes each.
///
/// Layout: `VIGILPDQ` magic, UInt32 version (1), UInt64 entry count, then per entry the hash in
/// canonical big-endian byte order (32 bytes) and its payload (UInt32, little-endian), then an
/// FNV-1a 64-bit checksum of the entry bytes. Little-endian integers throughout. Loading rebuilds
/// the tables, which is faster than reading them (a counting sort per table).
extension PDQIndex {
    static let magic = Array("VIGILPDQ".utf8)
    static let snapshotVersion: UInt32 = 1
    static let recordSize = 36

    /// Writes the snapshot to `path` (atomically: a temporary file renamed over it).
    public func write(to path: String) throws(IndexError) {
        var out = Data()
        out.append(contentsOf: Self.magic)
        Self.append(&out, UInt64(Self.snapshotVersion), bytes: 4)
        Self.append(&out, UInt64(count), bytes: 8)
        var checksum = FNV1a()
        var record = [UInt8](repeating: 0, count: Self.recordSize)
        forEachLive { hash, payload in
            for (w, word) in [hash.w3, hash.w2, hash.w1, hash.w0].enumerated() {
                for i in 0..<8 { record[w * 8 + i] = UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * i)) }
            }
            for i in 0..<4 { record[32 + i] = UInt8(truncatingIfNeeded: payload >> UInt32(8 * i)) }
            checksum.add(record)
            out.append(contentsOf: record)
        }
        Self.append(&out, checksum.value, bytes: 8)
        do {
            try out.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw IndexError(.io, "cannot write index snapshot: \(error.localizedDescription)")
        }
    }

    /// Loads a snapshot written by `write(to:)`; refuses truncated or corrupted files.
    public init(contentsOf path: String) throws(IndexError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw IndexError(.io, "cannot read index snapshot: \(error.localizedDescription)")
        }
        let parsed: Result<([PDQHash], [UInt32]), IndexError> = data.withUnsafeBytes { raw in
            Result { () throws(IndexError) in try Self.parse(raw.bindMemory(to: UInt8.self)) }
        }
        let (hashes, payloads) = try parsed.get()
        self.init(hashes: hashes, payloads: payloads)
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(IndexError) -> ([PDQHash], [UInt32]) {
        let header = magic.count + 12
        guard bytes.count >= header + 8, Array(bytes[0..<magic.count]) == magic else {
            throw IndexError(.corruptSnapshot, "not a Vigil PDQ index snapshot")
        }
        guard read(bytes, magic.count, 4) == UInt64(snapshotVersion) else {
            throw IndexError(.corruptSnapshot, "unsupported index snapshot version")
        }
        let count = Int(read(bytes, magic.count + 4, 8))
        guard count >= 0, count <= (bytes.count - header - 8) / recordSize, header + count * recordSize + 8 == bytes.count else {
            throw IndexError(.corruptSnapshot, "index snapshot is truncated or has trailing bytes")
        }
        let body = UnsafeBufferPointer(rebasing: bytes[header..<(header + count * recordSize)])
        var checksum = FNV1a()
        checksum.add(body)
        guard checksum.value == read(bytes, header + count * recordSize, 8) else {
            throw IndexError(.corruptSnapshot, "index snapshot checksum mismatch")
        }
        var hashes = [PDQHash](), payloads = [UInt32]()
        hashes.reserveCapacity(count)
        payloads.reserveCapacity(count)
        for r in 0..<count {
            let o = header + r * recordSize
            func word(_ k: Int) -> UInt64 {
                var v: UInt64 = 0
                for i in 0..<8 { v = v << 8 | UInt64(bytes[o + 8 * k + i]) }
                return v
            }
            hashes.append(PDQHash(word(3), word(2), word(1), word(0)))
            payloads.append(UInt32(read(bytes, o + 32, 4)))
        }
        return (hashes, payloads)
    }

    private static func append(_ data: inout Data, _ value: UInt64, bytes: Int) {
        for i in 0..<bytes { data.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * i))) }
    }

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ size: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in (0..<size).reversed() { v = v << 8 | UInt64(bytes[offset + i]) }
        return v
    }
}

/// FNV-1a, 64-bit: a checksum against truncation and bit rot, not an integrity guarantee.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    }
}
