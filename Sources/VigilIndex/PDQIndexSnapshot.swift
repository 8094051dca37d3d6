import Foundation
import VigilHashing

/// The on-disk snapshot of a `PDQIndex`: live entries only, 36 bytes each.
///
/// Layout: `VIGILPDQ` magic, UInt32 version (2), UInt64 entry count, then per entry the hash in
/// canonical big-endian byte order (32 bytes) and its payload (UInt32, little-endian), then an
/// FNV-1a 64-bit checksum of the entry bytes taken eight at a time (see `FNV1a.addWords`; version 1
/// took them one at a time, a multiplication per byte). Little-endian integers throughout.
/// Loading rebuilds the tables, which is faster than reading them (a counting sort per table). A
/// snapshot is a cache: one of another version is refused, and the caller rebuilds it.
extension PDQIndex {
    static let magic = Array("VIGILPDQ".utf8)
    static let snapshotVersion: UInt32 = 2
    static let recordSize = 36

    /// Writes the snapshot to `path` (atomically: a temporary file renamed over it).
    public func write(to path: String) throws(IndexError) {
        let header = Self.magic.count + 12
        var out = Data(count: header + count * Self.recordSize + 8)
        out.withUnsafeMutableBytes { raw in
            Self.magic.withUnsafeBytes { raw.copyMemory(from: $0) }
            raw.storeBytes(of: Self.snapshotVersion.littleEndian, toByteOffset: Self.magic.count, as: UInt32.self)
            raw.storeBytes(of: UInt64(count).littleEndian, toByteOffset: Self.magic.count + 4, as: UInt64.self)
            var o = header
            forEachLive { hash, payload in
                for (k, word) in [hash.w3, hash.w2, hash.w1, hash.w0].enumerated() {
                    raw.storeBytes(of: word.bigEndian, toByteOffset: o + 8 * k, as: UInt64.self)
                }
                raw.storeBytes(of: payload.littleEndian, toByteOffset: o + 32, as: UInt32.self)
                o += Self.recordSize
            }
            var checksum = FNV1a()
            checksum.addWords(UnsafeRawBufferPointer(rebasing: raw[header..<o]))
            raw.storeBytes(of: checksum.value.littleEndian, toByteOffset: o, as: UInt64.self)
        }
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
            Result { () throws(IndexError) in try Self.parse(raw) }
        }
        let (hashes, payloads) = try parsed.get()
        self.init(hashes: hashes, payloads: payloads)
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) throws(IndexError) -> ([PDQHash], [UInt32]) {
        let header = magic.count + 12
        guard bytes.count >= header + 8, Array(bytes[0..<magic.count]) == magic else {
            throw IndexError(.corruptSnapshot, "not a Vigil PDQ index snapshot")
        }
        guard UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: magic.count, as: UInt32.self)) == snapshotVersion else {
            throw IndexError(.corruptSnapshot, "unsupported index snapshot version")
        }
        let declared = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: magic.count + 4, as: UInt64.self))
        let room = (bytes.count - header - 8) / recordSize
        guard declared <= UInt64(room), header + Int(declared) * recordSize + 8 == bytes.count else {
            throw IndexError(.corruptSnapshot, "index snapshot is truncated or has trailing bytes")
        }
        let count = Int(declared), end = header + count * recordSize
        var checksum = FNV1a()
        checksum.addWords(UnsafeRawBufferPointer(rebasing: bytes[header..<end]))
        guard checksum.value == UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: end, as: UInt64.self)) else {
            throw IndexError(.corruptSnapshot, "index snapshot checksum mismatch")
        }
        var hashes = [PDQHash](), payloads = [UInt32]()
        hashes.reserveCapacity(count)
        payloads.reserveCapacity(count)
        for r in 0..<count {
            let o = header + r * recordSize
            func word(_ k: Int) -> UInt64 { UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: o + 8 * k, as: UInt64.self)) }
            hashes.append(PDQHash(word(3), word(2), word(1), word(0)))
            payloads.append(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: o + 32, as: UInt32.self)))
        }
        return (hashes, payloads)
    }
}

/// FNV-1a, 64-bit: a checksum against truncation and bit rot, not an integrity guarantee.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes { value = (value ^ UInt64(b)) &* Self.prime }
    }

    /// FNV-1a over little-endian 64-bit words, then any remaining bytes one at a time: one
    /// multiplication per eight bytes instead of eight.
    mutating func addWords(_ bytes: UnsafeRawBufferPointer) {
        let words = bytes.count / 8
        for i in 0..<words {
            value = (value ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) &* Self.prime
        }
        add(bytes[(8 * words)...])
    }

    private static let prime: UInt64 = 0x0000_0100_0000_01B3
}
