import Foundation
import Testing
import VigilHashing
import VigilMedia

/// The decoder-free pattern from the PDQ reference notes: R=(x²+3y)&255, G=(7x+y²)&255, B=(x·y)&255.
func referencePattern(width: Int, height: Int) -> RGBImage {
    RGBImage(width: width, height: height) { x, y in
        (UInt8((x * x + 3 * y) & 255), UInt8((7 * x + y * y) & 255), UInt8((x * y) & 255))
    }
}

struct KnownAnswer: Decodable, Sendable, CustomTestStringConvertible {
    let width: Int, height: Int, pdq: String, quality: Int
    var testDescription: String { "\(width)×\(height)" }
}

/// Vectors published with Meta's reference implementation (and reproduced by pdqhash), kept as a
/// test resource: `Vectors/pdq-reference.json`.
let referenceVectors: [KnownAnswer] = {
    guard let url = Bundle.module.url(forResource: "pdq-reference", withExtension: "json", subdirectory: "Vectors"),
        let data = try? Data(contentsOf: url)
    else { return [] }
    return (try? JSONDecoder().decode([KnownAnswer].self, from: data)) ?? []
}()

@Test("the known-answer vectors are present")
func vectorsPresent() { #expect(referenceVectors.count == 3) }

@Test("PDQ matches the reference's known answers", arguments: referenceVectors)
func pdqKnownAnswers(_ vector: KnownAnswer) {
    let result = PDQHasher().hash(referencePattern(width: vector.width, height: vector.height))
    #expect(result.hash.hex == vector.pdq)
    #expect(result.quality == vector.quality)
}
