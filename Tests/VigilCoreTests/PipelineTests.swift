import Foundation
import Synchronization
import Testing
import VigilCore
import VigilHashing
import VigilMedia

/// A scratch directory removed when the test ends.
final class ScratchDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-test-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path + "/" + name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }
}

@Test("directories are walked in sorted order; link loops and missing paths do not stop the walk")
func walking() throws {
    let dir = try ScratchDirectory()
    try dir.write("b/2.bin", [1])
    try dir.write("b/1.bin", [1])
    try dir.write("a.bin", [1])
    try FileManager.default.createSymbolicLink(atPath: dir.path + "/b/loop", withDestinationPath: dir.path)
    let entries = FileWalker().expand([dir.path, dir.path + "/missing"])
    #expect(entries.prefix(3) == [.file(dir.path + "/a.bin"), .file(dir.path + "/b/1.bin"), .file(dir.path + "/b/2.bin")])
    #expect(entries.count == 4)
    if case .failure(let path, _) = entries.last {
        #expect(path == dir.path + "/missing")
    } else {
        Issue.record("missing path not reported")
    }
}

@Test("a batch delivers every record in input order, failures included, whatever the thread count", arguments: [1, 2, 4])
func batchOrder(_ jobs: Int) throws {
    let dir = try ScratchDirectory()
    var paths: [String] = []
    for i in 0..<12 {
        let name = String(format: "%02d", i) + (i % 3 == 0 ? ".txt" : ".bmp")
        // Every third file is not an image; the others are small generated bitmaps.
        try dir.write(name, i % 3 == 0 ? Array("not an image".utf8) : bmp(width: 16 + i, height: 9))
        paths.append(dir.path + "/" + name)
    }
    let seen = Mutex<[(Int, HashRecord)]>([])
    HashBatch(options: HashOptions(), jobs: jobs).run(paths.map { .file($0) }) { i, r in seen.withLock { $0.append((i, r)) } }
    let records = seen.withLock { $0 }
    #expect(records.map(\.0) == Array(0..<12))
    #expect(records.map(\.1.path) == paths)
    for (i, record) in records {
        #expect((record.error != nil) == (i % 3 == 0))
        #expect(record.digests != nil, "digests are computed even for undecodable files")
        #expect((record.pdq != nil) == (i % 3 != 0))
    }
}

@Test("JSON lines escape control characters and quotes, and keep key order")
func jsonLines() {
    var record = HashRecord(path: "dir/\"odd\"\nname\u{1}.jpg")
    record.error = "tab\there"
    let line = record.json.serialized
    #expect(line.hasPrefix(#"{"path":"dir/\"odd\"\nname\u0001.jpg","format":null,"#))
    #expect(line.hasSuffix(#""error":"tab\there"}"#))
    #expect(!line.contains("\n"))
    let parsed = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    #expect(parsed?["path"] as? String == record.path)
}

/// A 24-bit BMP of a small pattern.
func bmp(width: Int, height: Int) -> [UInt8] {
    let stride = (width * 3 + 3) / 4 * 4
    var out = Array("BM".utf8)
    func le(_ v: Int, _ n: Int) { for i in 0..<n { out.append(UInt8((v >> (8 * i)) & 255)) } }
    le(54 + stride * height, 4); le(0, 4); le(54, 4)
    le(40, 4); le(width, 4); le(height, 4); le(1, 2); le(24, 2); le(0, 4); le(stride * height, 4); le(0, 4); le(0, 4); le(0, 4);
    le(0, 4)
    for y in 0..<height {
        for x in 0..<width { out += [UInt8((x * 13) & 255), UInt8((y * 29) & 255), UInt8((x * y) & 255)] }
        out += Array(repeating: 0, count: stride - width * 3)
    }
    return out
}

@Test(
    "a file hashed while it is read (digests piece by piece) gets the digests and PDQ of its bytes in memory",
    arguments: [0, 1, 1000, 256 * 1024, 256 * 1024 + 1, 700_001])
func digestsWhileReading(_ size: Int) throws {
    let dir = try ScratchDirectory()
    // A bitmap followed by seeded filler up to `size`, so files span several read pieces.
    var bytes = size == 0 ? [] : bmp(width: 40, height: 30)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(size + 1)
    while bytes.count < size {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes.append(UInt8(truncatingIfNeeded: state >> 56))
    }
    try dir.write("f.bin", bytes)
    let hasher = FileHasher(options: HashOptions())
    let fromFile = hasher.hash(path: dir.path + "/f.bin")
    var inMemory = HashRecord(path: dir.path + "/f.bin")
    hasher.hash(bytes: bytes, into: &inMemory)
    #expect(fromFile.digests == FileDigests(of: bytes))
    #expect(fromFile.digests == inMemory.digests)
    #expect(fromFile.pdq == inMemory.pdq)
    #expect(fromFile.errorCode == inMemory.errorCode)
}
