import Testing
import VigilHashing
import VigilMedia

@Test(
    "hex round-trips and rejects malformed text",
    arguments: [
        ("e47833324672d437eac73c673ccde6ed48cc0cc8be98f5784998eed8c1d01f80", true),
        ("E47833324672D437EAC73C673CCDE6ED48CC0CC8BE98F5784998EED8C1D01F80", true),
        ("e47833324672d437eac73c673ccde6ed48cc0cc8be98f5784998eed8c1d01f8", false),
        ("g47833324672d437eac73c673ccde6ed48cc0cc8be98f5784998eed8c1d01f80", false),
        ("", false),
    ])
func hexParsing(_ text: String, _ valid: Bool) {
    let hash = PDQHash(hex: text)
    #expect((hash != nil) == valid)
    if let hash { #expect(hash.hex == text.lowercased()) }
}

@Test("bit k is worth 2^k in the hex form, and distance counts differing bits")
func bitsAndDistance() {
    var a = PDQHash.zero
    a.setBit(0)
    a.setBit(255)
    #expect(a.hex == "8" + String(repeating: "0", count: 62) + "1")
    #expect(a.bit(0) && a.bit(255) && !a.bit(1))
    #expect(a.distance(to: .zero) == 2)
    #expect(a.distance(to: a) == 0)
}

/// A benign test picture: a gradient with drawn discs and bars.
func scene(width: Int, height: Int, shift: Int = 0) -> RGBImage {
    RGBImage(width: width, height: height) { x, y in
        let fx = Double(x) / Double(width), fy = Double(y) / Double(height)
        var r = 60 + 120 * fx, g = 80 + 100 * fy, b = 140.0
        if (fx - 0.3) * (fx - 0.3) + (fy - 0.4) * (fy - 0.4) < 0.04 { r = 230; g = 190; b = 40 }
        if fx > 0.6 && fx < 0.85 && fy > 0.2 && fy < 0.9 { r = 30; g = 70; b = 200 }
        return (UInt8(min(255, r + Double(shift))), UInt8(min(255, g + Double(shift))), UInt8(min(255, b)))
    }
}

func transformed(_ image: RGBImage, _ pixel: (Int, Int) -> (Int, Int), width: Int, height: Int) -> RGBImage {
    RGBImage(width: width, height: height) { x, y in
        let (sx, sy) = pixel(x, y)
        let o = (sy * image.width + sx) * 3
        return (image.pixels[o], image.pixels[o + 1], image.pixels[o + 2])
    }
}

struct Edit: Sendable, CustomTestStringConvertible {
    let name: String
    let apply: @Sendable (RGBImage) -> RGBImage
    var testDescription: String { name }
}

let ordinaryEdits = [
    Edit(name: "half size") { i in transformed(i, { (2 * $0, 2 * $1) }, width: i.width / 2, height: i.height / 2) },
    Edit(name: "crop 1% border") { i in
        let dx = i.width / 100, dy = i.height / 100
        return transformed(i, { ($0 + dx, $1 + dy) }, width: i.width - 2 * dx, height: i.height - 2 * dy)
    },
    Edit(name: "brighter") { i in
        RGBImage(width: i.width, height: i.height, pixels: i.pixels.map { UInt8(min(255, Int($0) + 12)) })
    },
]

@Test("ordinary edits stay within the match threshold; an unrelated picture does not", arguments: ordinaryEdits)
func robustness(_ edit: Edit) {
    let hasher = PDQHasher()
    let original = scene(width: 640, height: 480)
    let base = hasher.hash(original)
    #expect(base.quality >= 50)
    #expect(base.hash.distance(to: hasher.hash(edit.apply(original)).hash) <= 31)
    let unrelated = hasher.hash(
        RGBImage(width: 640, height: 480) { x, y in (UInt8((x * y) & 255), UInt8((x ^ y) & 255), UInt8((x * 7) & 255)) })
    #expect(base.hash.distance(to: unrelated.hash) > 64)
}

@Test("a mirrored image's hash is found among the original's dihedral variants")
func dihedralFindsMirror() {
    let hasher = PDQHasher()
    let original = scene(width: 512, height: 384)
    let mirrored = transformed(original, { (original.width - 1 - $0, $1) }, width: 512, height: 384)
    let variants = hasher.dihedralHashes(original).hashes
    let target = hasher.hash(mirrored).hash
    #expect(variants[DihedralVariant.flipY.rawValue].distance(to: target) <= 31)
    #expect(variants[DihedralVariant.original.rawValue].distance(to: target) > 31)
}

@Test("a float luma plane hashes like the equivalent grey RGB image")
func lumaPlane() {
    let width = 200, height = 150
    let grey = (0..<(width * height)).map { UInt8(($0 * 31 + $0 / width * 7) & 255) }
    let rgb = RGBImage(width: width, height: height, pixels: grey.flatMap { [$0, $0, $0] })
    let hasher = PDQHasher()
    #expect(hasher.hash(luma: grey.map(Float.init), width: width, height: height) == hasher.hash(rgb))
}
