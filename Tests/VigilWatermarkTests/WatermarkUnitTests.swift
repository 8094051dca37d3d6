import Foundation
import Testing
import VigilMedia

@testable import VigilWatermark

/// An image of `width`×`height` grey pixels (U = 128 everywhere) in which, for every 4×4 LL block,
/// the 2×2 pixel quad under LL coefficient `position` is pure blue (0, 0, `blue`).
func greyWithBlueQuads(width: Int, height: Int, blue: UInt8, position: Int) -> RGBImage {
    RGBImage(width: width, height: height) { x, y in
        let llX = x / 2, llY = y / 2
        let inBlock = (llY % 4) * 4 + llX % 4
        return inBlock == position ? (0, 0, blue) : (90, 90, 90)
    }
}

/// OpenCV's 8-bit U for pure blue, written out from the published formulas (independently of the decoder).
func chromaOfBlue(_ b: Int) -> Int {
    let luma = (1868 * b + 8192) >> 14
    return min(255, max(0, ((b - luma) * 8061 + (128 << 14) + 8192) >> 14))
}

struct BlueQuad: Sendable, CustomTestStringConvertible {
    let blue: UInt8, position: Int
    var testDescription: String { "blue \(blue) at \(position)" }
}

@Test(
    "dwtDct votes on the largest coefficient other than index 0, quantised by 36",
    arguments: [
        BlueQuad(blue: 255, position: 5), BlueQuad(blue: 255, position: 15), BlueQuad(blue: 200, position: 1),
        BlueQuad(blue: 150, position: 7), BlueQuad(blue: 100, position: 12), BlueQuad(blue: 60, position: 3),
        BlueQuad(blue: 255, position: 0), BlueQuad(blue: 30, position: 9),
    ])
func maxCoefficientVote(_ quad: BlueQuad) throws {
    let image = greyWithBlueQuads(width: 256, height: 256, blue: quad.blue, position: quad.position)
    // LL = (a+b+c+d)/2: 256 for the grey quads, 2·U for the blue one. Index 0 is never chosen.
    let largest = quad.position == 0 ? 256 : max(2 * chromaOfBlue(Int(quad.blue)), 256)
    try #require(largest % 36 != 18, "pick colours away from the exact quantisation boundary")
    let expected: UInt8 = largest % 36 > 18 ? 1 : 0
    let votes = try InvisibleWatermarkDecoder.votes(in: image, method: .dwtDct)
    #expect(votes.votes.count == 32 * 32)
    #expect(votes.votes.allSatisfy { $0 == expected })
    #expect(!votes.flatChroma || quad.blue == 0)
}

struct SizeCase: Sendable, CustomTestStringConvertible {
    let width: Int, height: Int, accepted: Bool, blocks: Int
    var testDescription: String { "\(width)×\(height)" }
}

@Test(
    "the reference's size rule (pixel count ≥ 256²) and its crop to multiples of 4",
    arguments: [
        SizeCase(width: 256, height: 256, accepted: true, blocks: 32 * 32),
        SizeCase(width: 255, height: 256, accepted: false, blocks: 0),
        SizeCase(width: 400, height: 200, accepted: true, blocks: 50 * 25),
        SizeCase(width: 259, height: 263, accepted: true, blocks: 32 * 32),
        SizeCase(width: 1030, height: 66, accepted: true, blocks: 128 * 8),
        SizeCase(width: 65536, height: 1, accepted: true, blocks: 0),
        SizeCase(width: 1, height: 1, accepted: false, blocks: 0),
    ])
func sizeRule(_ size: SizeCase) throws {
    let image = RGBImage(width: size.width, height: size.height) { x, y in (UInt8(x & 255), UInt8(y & 255), 7) }
    for method in WatermarkMethod.allCases {
        if size.accepted {
            let votes = try InvisibleWatermarkDecoder.votes(in: image, method: method)
            #expect(votes.votes.count == size.blocks)
            if size.blocks == 0 {
                // No block: the reference's mean of nothing is NaN, and NaN·255 > 127 is false.
                #expect(try votes.bits(length: 8).bits == Array(repeating: false, count: 8))
            }
        } else {
            #expect(throws: WatermarkError.self) { try InvisibleWatermarkDecoder.votes(in: image, method: method) }
            do {
                _ = try InvisibleWatermarkDecoder.votes(in: image, method: method)
            } catch {
                #expect(error.code == .imageTooSmall)
            }
        }
    }
}

@Test("grey images have flat chroma and decode to zeros with both methods", arguments: WatermarkMethod.allCases)
func greyImage(_ method: WatermarkMethod) throws {
    let image = RGBImage(width: 300, height: 300) { x, y in
        let g = UInt8((x * 7 + y * 3) & 255); return (g, g, g)
    }
    let votes = try InvisibleWatermarkDecoder.votes(in: image, method: method)
    #expect(votes.flatChroma)
    // U = 128 → LL = 256: dwtDct 256 mod 36 = 4; dwtDctSvd s₀ = 4·256 = 1024, 1024 mod 36 = 16.
    #expect(votes.votes.allSatisfy { $0 == 0 })
    #expect(try votes.bits(length: 48).hex == "000000000000")
}

struct VoteCase: Sendable, CustomTestStringConvertible {
    let ones: Int, blocks: Int, expected: Bool
    var testDescription: String { "\(ones)/\(blocks)" }
}

/// Expected values from numpy: `np.array([1]*k + [0]*(n-k)).mean() * 255 > 127`.
@Test(
    "bits are the mean vote × 255 > 127 in binary64, as numpy evaluates it",
    arguments: [
        VoteCase(ones: 1, blocks: 2, expected: true),  // 127.5
        VoteCase(ones: 127, blocks: 255, expected: false),  // exactly 127.0
        VoteCase(ones: 128, blocks: 255, expected: true),
        VoteCase(ones: 254, blocks: 510, expected: false),
        VoteCase(ones: 255, blocks: 510, expected: true),
        VoteCase(ones: 0, blocks: 3, expected: false),
        VoteCase(ones: 1, blocks: 3, expected: false),
        VoteCase(ones: 2, blocks: 3, expected: true),
    ])
func voteAggregation(_ c: VoteCase) throws {
    // Bit 0 of a 2-bit payload gets the even blocks; bit 1 the odd blocks (all zero).
    var votes = [UInt8](repeating: 0, count: 2 * c.blocks)
    for i in 0..<c.ones { votes[2 * i] = 1 }
    let block = BlockVotes(method: .dwtDct, channelOrder: .fileOrder, votes: votes, flatChroma: false)
    #expect(try block.bits(length: 2).bits == [c.expected, false])
}

@Test("payload lengths outside 1…65536 are refused", arguments: [0, -1, BlockVotes.maxLength + 1])
func badLength(_ length: Int) {
    let block = BlockVotes(method: .dwtDct, channelOrder: .fileOrder, votes: [1, 0], flatChroma: false)
    #expect(throws: WatermarkError.self) { try block.bits(length: length) }
}

struct MatrixCase: Sendable, CustomTestStringConvertible {
    let name: String, rows: [[Double]], s0: Double
    var testDescription: String { name }
}

/// Expected values from `np.linalg.svd(a)[1][0]` or in closed form.
@Test(
    "largest singular value of 4×4 blocks",
    arguments: [
        MatrixCase(
            name: "1…16", rows: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]], s0: 38.622656831872874),
        MatrixCase(
            name: "digits of π", rows: [[3, 1, 4, 1], [5, 9, 2, 6], [5, 3, 5, 8], [9, 7, 9, 3]], s0: 21.2313568375066),
        MatrixCase(name: "diagonal", rows: [[1, 0, 0, 0], [0, -7, 0, 0], [0, 0, 3, 0], [0, 0, 0, 4]], s0: 7),
        MatrixCase(name: "constant 256", rows: Array(repeating: Array(repeating: 256, count: 4), count: 4), s0: 1024),
        MatrixCase(name: "zero", rows: Array(repeating: Array(repeating: 0, count: 4), count: 4), s0: 0),
        // Rank one, u = (1, 2, 2, 4)/5·5, v = (3, 4, 0, 0): s₀ = |u|·|v| = 5·5.
        MatrixCase(name: "rank one", rows: [[3, 4, 0, 0], [6, 8, 0, 0], [6, 8, 0, 0], [12, 16, 0, 0]], s0: 25),
    ])
func singularValue(_ m: MatrixCase) {
    let s0 = largestSingularValue4x4 { r, c in m.rows[r][c] }
    #expect(abs(s0 - m.s0) <= 1e-12 * max(1, m.s0))
}

struct TailCase: Sendable, CustomTestStringConvertible {
    let k: Int, n: Int
    var testDescription: String { "P(X ≥ \(k) of \(n))" }
}

/// The exact tail as a ratio of integers: Σ C(n, i) for i ≥ k over 2ⁿ (n ≤ 62 fits UInt64).
func exactTail(_ k: Int, _ n: Int) -> Double {
    var c: UInt64 = 1, sum: UInt64 = 0
    for i in 0...n {
        if i >= k { sum += c }
        if i < n { c = c * UInt64(n - i) / UInt64(i + 1) }
    }
    return Double(sum) / pow(2, Double(n))
}

@Test(
    "binomial tails equal the exact integer ratios",
    arguments: [
        TailCase(k: 0, n: 32), TailCase(k: 16, n: 32), TailCase(k: 29, n: 32), TailCase(k: 30, n: 32),
        TailCase(k: 32, n: 32), TailCase(k: 36, n: 48), TailCase(k: 43, n: 48), TailCase(k: 48, n: 48),
        TailCase(k: 40, n: 62), TailCase(k: 1, n: 1),
    ])
func binomialTail(_ t: TailCase) {
    let expected = exactTail(t.k, t.n)
    #expect(abs(Binomial.upperTail(atLeast: t.k, of: t.n) - expected) <= 1e-12 * expected)
}

@Test("binomial tails for the 136-bit payload are tiny but representable")
func binomialTail136() {
    // P(X = 136) = 2⁻¹³⁶.
    #expect(abs(Binomial.upperTail(atLeast: 136, of: 136) / pow(2, -136) - 1) < 1e-12)
    #expect(Binomial.upperTail(atLeast: 137, of: 136) == 0)
}

@Test("known payloads are the published bits")
func knownPayloads() {
    #expect(KnownWatermark.stableDiffusion1.payload.hex == "537461626c65446966667573696f6e5631")
    #expect(KnownWatermark.stableDiffusion1.payload.count == 136)
    #expect(KnownWatermark.stableDiffusion2.payload.hex == "53445632")
    #expect(KnownWatermark.stableDiffusionXL.payload.hex == "b3ec907bb19e")
    #expect(KnownWatermark.stableDiffusionXL.payload.bitString.hasPrefix("10110011"))
    #expect(WatermarkDetector.knownLengths == [32, 48, 136])
}

@Test(
    "hex pads the last digit with zero bits",
    arguments: [("1", "8"), ("1010101", "aa"), ("0000", "0"), ("11111", "f8"), ("", "")])
func hexPadding(_ bits: String, _ hex: String) {
    #expect(WatermarkBits(bits.map { $0 == "1" }).hex == hex)
}

@Test(
    "reference bands of the SDXL detector",
    arguments: [
        (48, ReferenceBand.veryLikely), (36, .veryLikely), (35, .likely), (34, .likely), (33, .partial), (28, .partial),
        (27, .none), (0, .none),
    ])
func bands(_ agreement: Int, _ band: ReferenceBand) {
    #expect(ReferenceBand(agreementOf48: agreement) == band)
}

@Test("clean generated images detect nothing", arguments: ["noise", "gradient", "shapes"])
func cleanImagesDetectNothing(_ kind: String) throws {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt8 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
    let image = RGBImage(width: 512, height: 384) { x, y in
        switch kind {
        case "noise": return (next(), next(), next())
        case "gradient": return (UInt8(x / 2), UInt8(y * 2 / 3), UInt8((x + y) / 4))
        default:
            return (x - 100) * (x - 100) + (y - 150) * (y - 150) < 6000
                ? (200, 30, 40) : ((x / 64 + y / 64) % 2 == 0 ? (20, 120, 220) : (250, 250, 240))
        }
    }
    let detections = try WatermarkDetector.detect(in: image)
    #expect(detections.map(\.watermark.id) == ["sd1", "sd2", "sdxl"])
    #expect(detections.allSatisfy { !$0.detected })
}

/// On an exact multiple of 18 the reference's s₀ (numpy's SVD of cv2.dct(block)) lands just above it:
/// 414 (= 36·11 + 18) is computed as 414.00000000000017 and votes 1; 36k votes 0.
@Test(
    "dwtDctSvd votes on exact quantisation boundaries as the reference does",
    arguments: boundaryCases)
func singularValueBoundary(_ c: BoundaryCase) {
    #expect(InvisibleWatermarkDecoder.singularValueVote(c.s0) == c.vote)
}

struct BoundaryCase: Sendable, CustomTestStringConvertible {
    let s0: Double, vote: UInt8
    var testDescription: String { "s₀ = \(s0)" }
}

let boundaryCases: [BoundaryCase] = [
    BoundaryCase(s0: 414, vote: 1), BoundaryCase(s0: 414 - 1e-13, vote: 1), BoundaryCase(s0: 414 + 1e-13, vote: 1),
    BoundaryCase(s0: 432, vote: 0), BoundaryCase(s0: 432 - 1e-13, vote: 0), BoundaryCase(s0: 432 + 1e-13, vote: 0),
    BoundaryCase(s0: 413.9, vote: 0), BoundaryCase(s0: 414.1, vote: 1), BoundaryCase(s0: 420, vote: 1),
    BoundaryCase(s0: 400, vote: 0), BoundaryCase(s0: 18, vote: 1), BoundaryCase(s0: 0, vote: 0),
]

@Test("a flat block with one different value whose s₀ is exactly 414 votes 1, as in the reference")
func flatBlockOnBoundary() {
    // From a benchmark image: the reference gives s₀ = 414.00000000000017 and votes 1.
    let rows: [[Double]] = [[92, 92, 92, 230], [92, 92, 92, 92], [92, 92, 92, 92], [92, 92, 92, 92]]
    let s0 = largestSingularValue4x4 { r, c in rows[r][c] }
    #expect(abs(s0 - 414) < 1e-11)
    #expect(InvisibleWatermarkDecoder.singularValueVote(s0) == 1)
}
