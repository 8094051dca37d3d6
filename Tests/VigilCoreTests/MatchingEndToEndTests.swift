import Foundation
import Testing
import VigilCore
import VigilHashing
import VigilIndex
import VigilMedia
import VigilStore

/// A benign generated picture with a seed-dependent layout, written as a 24-bit BMP.
func scenePicture(seed: Int, width: Int = 320, height: Int = 240) -> (image: RGBImage, bmp: [UInt8]) {
    let image = RGBImage(width: width, height: height) { x, y in
        let cx = (seed * 97) % width, cy = (seed * 53) % height
        let inDisc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < (40 + seed % 30) * (40 + seed % 30)
        let stripe = ((x + seed * 13) / (20 + seed % 17)) % 2 == 0
        return inDisc
            ? (240, UInt8(seed * 40 % 255), 30) : (UInt8(stripe ? 200 : 40), UInt8(y * 255 / height), UInt8(x * 255 / width))
    }
    return (image, bmpFile(image))
}

func bmpFile(_ image: RGBImage) -> [UInt8] {
    let stride = (image.width * 3 + 3) / 4 * 4
    var out = Array("BM".utf8)
    func le(_ v: Int, _ n: Int) { for i in 0..<n { out.append(UInt8((v >> (8 * i)) & 255)) } }
    le(54 + stride * image.height, 4); le(0, 4); le(54, 4)
    le(40, 4); le(image.width, 4); le(image.height, 4); le(1, 2); le(24, 2); le(0, 4); le(stride * image.height, 4)
    le(0, 4); le(0, 4); le(0, 4); le(0, 4)
    for y in (0..<image.height).reversed() {
        for x in 0..<image.width {
            let o = (y * image.width + x) * 3
            out += [image.pixels[o + 2], image.pixels[o + 1], image.pixels[o]]
        }
        out += Array(repeating: 0, count: stride - image.width * 3)
    }
    return out
}

@Test("files are matched against banks from the store: edits within threshold, mirrors via dihedral, digests exactly")
func matchingEndToEnd() throws {
    let dir = try ScratchDirectory()
    let store = try SQLiteBankStore(path: dir.path + "/vigil.sqlite")
    let bank = try store.createBank(NewBank(name: "known", category: "A1"))
    let hasher = PDQHasher()
    var changes: [EntryChange] = []
    for seed in 1...20 {
        let (image, bmp) = scenePicture(seed: seed)
        changes.append(EntryChange(hash: HashValue(hasher.hash(image).hash), label: "scene \(seed)"))
        if seed == 7 {
            changes.append(EntryChange(hash: HashValue(kind: .md5, hex: FileDigests(of: bmp).md5), label: "exact copy"))
        }
    }
    _ = try store.apply(changes, toBank: bank.id, addedBy: "test")

    let (original7, bytes7) = scenePicture(seed: 7)
    try dir.write("exact.bmp", bytes7)
    let brighter = RGBImage(width: 320, height: 240, pixels: original7.pixels.map { UInt8(min(255, Int($0) + 10)) })
    try dir.write("brighter.bmp", bmpFile(brighter))
    let scene3 = scenePicture(seed: 3).image.pixels
    let mirrored = RGBImage(width: 320, height: 240) { x, y in
        let o = (y * 320 + 319 - x) * 3
        return (scene3[o], scene3[o + 1], scene3[o + 2])
    }
    try dir.write("mirrored.bmp", bmpFile(mirrored))
    try dir.write("unrelated.bmp", scenePicture(seed: 999).bmp)

    for useCache in [false, true, true] {
        let matcher = try store.matcher(cacheDirectory: useCache ? dir.path + "/cache" : nil)
        let resolver = MatchResolver(store: store)
        func matches(_ name: String, dihedral: Bool = false) throws -> [ResolvedMatch] {
            let record = FileHasher(options: HashOptions(dihedral: dihedral)).hash(path: dir.path + "/" + name)
            return try resolver.resolve(matcher.match(record.matchQuery))
        }
        let exact = try matches("exact.bmp")
        #expect(Set(exact.compactMap(\.label)) == ["scene 7", "exact copy"])
        #expect(exact.allSatisfy { $0.match.distance == 0 })
        #expect(try matches("brighter.bmp").map(\.label) == ["scene 7"])
        #expect(try matches("mirrored.bmp").isEmpty)
        let viaDihedral = try matches("mirrored.bmp", dihedral: true)
        #expect(viaDihedral.map(\.label) == ["scene 3"])
        #expect(viaDihedral.first?.match.variant == .flipY)
        #expect(try matches("unrelated.bmp", dihedral: true).isEmpty)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/cache").count == 1)
}
