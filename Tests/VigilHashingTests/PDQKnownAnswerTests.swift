import Testing
import VigilHashing
import VigilMedia

/// The decoder-free pattern from the PDQ reference notes: R=(x²+3y)&255, G=(7x+y²)&255, B=(x·y)&255.
func referencePattern(width: Int, height: Int) -> RGBImage {
    RGBImage(width: width, height: height) { x, y in
        (UInt8((x * x + 3 * y) & 255), UInt8((7 * x + y * y) & 255), UInt8((x * y) & 255))
    }
}

struct KnownAnswer: Sendable, CustomTestStringConvertible {
    let width: Int, height: Int, hex: String, quality: Int
    var testDescription: String { "\(width)×\(height)" }
}

/// Vectors published with Meta's reference implementation (and reproduced by pdqhash).
let referenceVectors = [
    KnownAnswer(width: 64, height: 64, hex: "e47833324672d437eac73c673ccde6ed48cc0cc8be98f5784998eed8c1d01f80", quality: 100),
    KnownAnswer(width: 333, height: 517, hex: "0000f6f7d6b5d6f72948298cb9a879cd0001298c2dad3dada96f298d29adfded", quality: 100),
    KnownAnswer(width: 4, height: 9, hex: String(repeating: "0", count: 64), quality: 0),
]

@Test("PDQ matches the reference's known answers", arguments: referenceVectors)
func pdqKnownAnswers(_ vector: KnownAnswer) {
    let result = PDQHasher().hash(referencePattern(width: vector.width, height: vector.height))
    #expect(result.hash.hex == vector.hex)
    #expect(result.quality == vector.quality)
}
