import Crypto
import Testing

@testable import VigilProvenance

/// The BMFF box walker, xpath lookup, the C2PA `uuid` box and the `c2pa.hash.bmff` binding on
/// hand-built files (the c2pa-python-signed HEIC/MP4 files are in the conformance corpus).
@Suite struct BMFFTests {
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let n = UInt32(8 + payload.count)
        return withUnsafeBytes(of: n.bigEndian, Array.init) + Array(type.utf8) + payload
    }

    static func fullBox(_ type: String, version: UInt8, flags: UInt32, _ payload: [UInt8]) -> [UInt8] {
        box(type, [version, UInt8(flags >> 16 & 0xff), UInt8(flags >> 8 & 0xff), UInt8(flags & 0xff)] + payload)
    }

    static let c2paUUID: [UInt8] = [
        0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81,
    ]

    /// ftyp, the C2PA uuid box holding `store`, a moov with two traks, a free box and an mdat.
    static func file(store: [UInt8] = [1, 2, 3, 4], media: [UInt8] = Array(repeating: 7, count: 64)) -> [UInt8] {
        let uuid = box("uuid", c2paUUID + [0, 0, 0, 0] + Array("manifest".utf8) + [0] + [UInt8](repeating: 0, count: 8) + store)
        let trak1 = box("trak", fullBox("tkhd", version: 0, flags: 3, [1, 1, 1, 1]))
        let trak2 = box("trak", fullBox("tkhd", version: 1, flags: 1, [2, 2, 2, 2]))
        return box("ftyp", Array("isom".utf8) + [0, 0, 0, 0]) + uuid + box("moov", trak1 + trak2) + box("free", [0, 0])
            + box("mdat", media)
    }

    static func tree(_ bytes: [UInt8]) throws -> BMFFTree {
        try bytes.withUnsafeBytes { (raw) throws(ProvenanceError) in try BMFFTree.parse(raw, name: "test.mp4") }
    }

    @Test func walksContainersAndFullBoxes() throws {
        let bytes = Self.file()
        let tree = try Self.tree(bytes)
        #expect(tree.top.map { tree.boxes[$0].type } == ["ftyp", "uuid", "moov", "free", "mdat"])
        let traks = try #require(tree.fetch("/moov/trak"))
        #expect(traks.count == 2)
        let second = try #require(tree.fetch("/moov/trak[2]/tkhd"))
        #expect(second.map { tree.boxes[$0].version } == [1])
        #expect(second.map { tree.boxes[$0].flags } == [1])
        #expect(tree.fetch("/moov/trak[3]") == [])
        #expect(tree.fetch("/moov/trak[0]") == nil)  // indices count from 1
        #expect(tree.fetch("/ab") == nil)  // parts are at least four characters
        // The C2PA uuid box is a FullBox: its version and flags are read.
        #expect((tree.fetch("/uuid") ?? []).map { tree.boxes[$0].version } == [0])
    }

    @Test func extractsTheManifestStoreFromTheUUIDBox() throws {
        let store: [UInt8] = Array("a manifest store".utf8)
        let meta = try MetadataExtractor.extract(Self.file(store: store), name: "test.heic")
        #expect(meta.format == .bmff)
        #expect(meta.c2paStore == store)
    }

    @Test func understandsSixtyFourBitAndToTheEndSizes() throws {
        // A 64-bit size (size field 1) and a last box whose size 0 means "to the end of the file".
        var large: [UInt8] = [0, 0, 0, 1] + Array("free".utf8) + withUnsafeBytes(of: UInt64(20).bigEndian, Array.init)
        large += [9, 9, 9, 9]
        let bytes = Self.box("ftyp", Array("heic".utf8)) + large + [0, 0, 0, 0] + Array("mdat".utf8) + [1, 2, 3]
        let tree = try Self.tree(bytes)
        #expect(tree.top.map { tree.boxes[$0].size } == [12, 20, 11])
    }

    static let hostile: [(String, [UInt8], String)] = [
        ("a box past the end", box("ftyp", [0, 0, 0, 0]) + [0, 0, 0x10, 0] + Array("moov".utf8) + [1, 2], "truncated"),
        (
            "a child past its parent", box("moov", [0, 0, 0, 0x40] + Array("trak".utf8)) + [UInt8](repeating: 0, count: 100),
            "truncated"
        ),
        (
            "a 64-bit size past any file", [0, 0, 0, 1] + Array("free".utf8) + [UInt8](repeating: 0xff, count: 8),
            "truncated"
        ),
        ("a size smaller than its header", [0, 0, 0, 4] + Array("free".utf8), "malformed"),
        ("a full box without version and flags", box("moov", box("mvhd", [])), "truncated"),
    ]

    @Test(arguments: 0..<5)
    func refusesHostileBoxes(_ index: Int) {
        let (what, bytes, code) = Self.hostile[index]
        #expect(Self.hostile.count == 5)
        do {
            _ = try Self.tree(bytes)
            Issue.record("\(what): accepted")
        } catch {
            #expect((error as? ProvenanceError)?.code.rawValue == code, "\(what): \(error)")
        }
    }

    @Test func cutsAnMdatThatRunsPastTheEndAsC2PARsDoes() throws {
        let bytes = Self.box("ftyp", Array("isom".utf8)) + [0, 0, 0x10, 0] + Array("mdat".utf8) + [1, 2, 3]
        let tree = try Self.tree(bytes)
        #expect(tree.boxes[tree.top[1]].size == 11)
    }

    @Test func refusesBoxesNestedTenThousandDeep() {
        var bytes = Self.box("free", [])
        for _ in 0..<10_000 { bytes = Self.box("moov", bytes) }
        #expect {
            try Self.tree(bytes)
        } throws: { ($0 as? ProvenanceError)?.code == .limitExceeded }
    }

    static func map(_ pairs: [(String, CBOR)]) -> CBOR { .map(pairs.map { (.text($0.0), $0.1) }) }

    /// c2pa-rs's default exclusions: the C2PA uuid box (matched by its UUID at offset 8), ftyp, free.
    static let defaultExclusions: [CBOR] = [
        map([
            ("xpath", .text("/uuid")), ("data", .array([map([("offset", .unsigned(8)), ("value", .bytes(c2paUUID))])])),
        ]),
        map([("xpath", .text("/ftyp"))]), map([("xpath", .text("/free"))]),
    ]

    /// The v2/v3 hash written out by hand: each top-level box that is not excluded contributes its
    /// offset as a u64 BE, then its bytes.
    static func expectedHash(_ bytes: [UInt8], tree: BMFFTree, kept: [String]) -> [UInt8] {
        var hasher = SHA256()
        for index in tree.top where kept.contains(tree.boxes[index].type) {
            let box = tree.boxes[index]
            hasher.update(data: withUnsafeBytes(of: UInt64(box.offset).bigEndian, Array.init))
            hasher.update(data: Array(bytes[box.offset..<(box.offset + box.size)]))
        }
        return Array(hasher.finalize())
    }

    static func check(_ bytes: [UInt8], exclusions: [CBOR], hash: [UInt8], version: Int = 3) -> BMFFOutcome {
        let assertion = map([("exclusions", .array(exclusions)), ("alg", .text("sha256")), ("hash", .bytes(hash))])
        return bytes.withUnsafeBytes {
            C2PAValidator.checkBMFFHash(assertion, version: version, asset: $0, claimAlgorithm: "sha256", name: "test.mp4")
        }
    }

    @Test func verifiesTheBMFFHashWithBoxOffsets() throws {
        let bytes = Self.file()
        let tree = try Self.tree(bytes)
        let hash = Self.expectedHash(bytes, tree: tree, kept: ["moov", "mdat"])
        #expect(Self.check(bytes, exclusions: Self.defaultExclusions, hash: hash) == .match)
        // v1 hashes the same bytes without the offsets.
        #expect(Self.check(bytes, exclusions: Self.defaultExclusions, hash: hash, version: 1) == .mismatch)
        // A changed media byte, or a different store in the excluded uuid box.
        var flipped = bytes
        flipped[flipped.count - 5] ^= 1
        #expect(Self.check(flipped, exclusions: Self.defaultExclusions, hash: hash) == .mismatch)
        let otherStore = Self.file(store: [9, 9, 9, 9])
        #expect(Self.check(otherStore, exclusions: Self.defaultExclusions, hash: hash) == .match)
    }

    @Test func narrowsExclusionsByVersionFlagsAndSubset() throws {
        let bytes = Self.file()
        let tree = try Self.tree(bytes)
        let base = Self.defaultExclusions
        // The second trak's tkhd (version 1, flags 1) excluded by version and flags: the moov box
        // keeps its offset marker but loses those bytes.
        let tkhd = try #require(tree.fetch("/moov/trak[2]/tkhd")?.first)
        let box = tree.boxes[tkhd]
        var hasher = SHA256()
        for index in tree.top where ["moov", "mdat"].contains(tree.boxes[index].type) {
            let top = tree.boxes[index]
            hasher.update(data: withUnsafeBytes(of: UInt64(top.offset).bigEndian, Array.init))
            for i in top.offset..<(top.offset + top.size) where !(box.offset..<(box.offset + box.size)).contains(i) {
                hasher.update(data: [bytes[i]])
            }
        }
        let hash = Array(hasher.finalize())
        let byVersion = Self.map([("xpath", .text("/moov/trak/tkhd")), ("version", .unsigned(1)), ("flags", .bytes([0, 0, 1]))])
        #expect(Self.check(bytes, exclusions: base + [byVersion], hash: hash) == .match)
        // Flags that match neither tkhd exclude nothing, so the hash no longer matches.
        let wrongFlags = Self.map([("xpath", .text("/moov/trak/tkhd")), ("flags", .bytes([0, 0, 7]))])
        #expect(Self.check(bytes, exclusions: base + [wrongFlags], hash: hash) == .mismatch)
        // A subset covering the same bytes.
        let subset = Self.map([
            ("xpath", .text("/moov/trak[2]/tkhd")),
            ("subset", .array([Self.map([("offset", .unsigned(0)), ("length", .unsigned(0))])])),
        ])
        #expect(Self.check(bytes, exclusions: base + [subset], hash: hash) == .match)
    }

    @Test func reportsMalformedAssertions() {
        let bytes = Self.file()
        #expect(Self.check(bytes, exclusions: [], hash: [0]) == .malformed)
        let overlapping = Self.map([
            ("xpath", .text("/mdat")),
            (
                "subset",
                .array([
                    Self.map([("offset", .unsigned(8)), ("length", .unsigned(10))]),
                    Self.map([("offset", .unsigned(12)), ("length", .unsigned(4))]),
                ])
            ),
        ])
        #expect(Self.check(bytes, exclusions: Self.defaultExclusions + [overlapping], hash: [0]) == .malformed)
        // A data check that reads past the end of the file is a mismatch, not a crash.
        let pastEnd = Self.map([
            ("xpath", .text("/mdat")), ("data", .array([Self.map([("offset", .unsigned(1 << 40)), ("value", .bytes([1]))])])),
        ])
        #expect(Self.check(bytes, exclusions: [pastEnd], hash: [0]) == .mismatch)
    }
}
