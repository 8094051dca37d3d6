import CImageCodecs
import Testing
import VigilMedia

struct SniffCase: Sendable, CustomTestStringConvertible {
    let bytes: [UInt8]
    let expected: MediaFormat?
    var testDescription: String { expected?.rawValue ?? "unknown" }
}

let sniffCases: [SniffCase] = [
    SniffCase(bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], expected: .jpeg),
    SniffCase(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], expected: .png),
    SniffCase(bytes: Array("GIF89a".utf8) + [1, 0], expected: .gif),
    SniffCase(bytes: Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8 ".utf8), expected: .webp),
    SniffCase(bytes: Array("BM".utf8) + Array(repeating: 0, count: 14), expected: .bmp),
    SniffCase(bytes: [0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 0, 0], expected: .heif),
    SniffCase(bytes: [0, 0, 0, 24] + Array("ftypisom".utf8) + [0, 0, 0, 0], expected: .mp4),
    SniffCase(bytes: [0x1A, 0x45, 0xDF, 0xA3, 0x93], expected: .matroska),
    SniffCase(bytes: Array("hello, this is text".utf8), expected: nil),
    SniffCase(bytes: [0xFF], expected: nil),
]

@Test("formats are recognised by magic bytes", arguments: sniffCases)
func sniffing(_ c: SniffCase) {
    #expect(MediaFormat.sniff(c.bytes) == c.expected)
}

@Test("lossless formats decode to exactly the pixels written", arguments: ["png", "webp", "bmp24", "bmp24-topdown"])
func losslessRoundTrip(_ kind: String) throws {
    let image = Encoders.pattern(width: 37, height: 23, seed: 3)
    let data: [UInt8] =
        switch kind {
        case "png": image.pixels.withUnsafeBytes { Encoders.png(width: 37, height: 23, format: Encoders.pngRGB, samples: $0) }
        case "webp": Encoders.webpLossless(image)
        case "bmp24": Encoders.bmp(image)
        default: Encoders.bmp(image, topDown: true)
        }
    let decoded = try ImageDecoder().decode(data)
    #expect(decoded.image.width == 37 && decoded.image.height == 23)
    #expect(decoded.image.pixels == image.pixels)
}

@Test("grey, grey+alpha, RGBA and 16-bit PNGs reduce to 8-bit RGB as the reference pipeline does")
func pngVariants() throws {
    let width = 9, height = 5
    let grey = (0..<(width * height)).map { UInt8(($0 * 37) & 255) }
    let expectedGrey = grey.flatMap { [$0, $0, $0] }
    let decoder = ImageDecoder()

    let greyPNG = grey.withUnsafeBytes { Encoders.png(width: width, height: height, format: Encoders.pngGrey, samples: $0) }
    #expect(try decoder.decode(greyPNG).image.pixels == expectedGrey)

    // Alpha is ignored, not composited.
    let greyAlpha = grey.flatMap { [$0, UInt8(255 - $0)] }
    let greyAlphaPNG = greyAlpha.withUnsafeBytes {
        Encoders.png(width: width, height: height, format: Encoders.pngGreyAlpha, samples: $0)
    }
    #expect(try decoder.decode(greyAlphaPNG).image.pixels == expectedGrey)

    var rgba: [UInt8] = []
    var expectedRGB: [UInt8] = []
    for i in 0..<(width * height) {
        let pixel = [UInt8(i & 255), UInt8((i * 3) & 255), UInt8((i * 7) & 255)]
        rgba += pixel + [UInt8(i % 2 == 0 ? 0 : 128)]
        expectedRGB += pixel
    }
    let rgbaPNG = rgba.withUnsafeBytes { Encoders.png(width: width, height: height, format: Encoders.pngRGBA, samples: $0) }
    #expect(try decoder.decode(rgbaPNG).image.pixels == expectedRGB)

    // 16-bit samples keep their high byte.
    let wide: [UInt16] = (0..<(width * height * 3)).map { UInt16(truncatingIfNeeded: $0 * 1_021 + 77) }
    let widePNG = wide.withUnsafeBytes { Encoders.png(width: width, height: height, format: Encoders.pngLinearRGB, samples: $0) }
    #expect(try decoder.decode(widePNG).image.pixels == wide.map { UInt8($0 >> 8) })
}

@Test("JPEG decodes close to its source, and DCT-scaled decodes have the scaled size")
func jpegDecode() throws {
    let image = Encoders.pattern(width: 640, height: 480)
    let data = Encoders.jpeg(image, quality: 100)
    let decoder = ImageDecoder()
    let full = try decoder.decode(data)
    #expect(full.scaleDenominator == 1)
    let error = zip(full.image.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)
    #expect(Double(error) / Double(image.pixels.count) < 4)

    let reduced = try decoder.decode(data, options: DecodeOptions(reducedShortSide: 100))
    #expect(reduced.scaleDenominator == 4)
    #expect(reduced.image.width == 160 && reduced.image.height == 120)
    #expect(reduced.sourceWidth == 640 && reduced.sourceHeight == 480)
}

struct BadInput: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let code: MediaError.Code
    var testDescription: String { name }
}

func badInputs() -> [BadInput] {
    let jpeg = Encoders.jpeg(Encoders.pattern(width: 300, height: 200), quality: 90)
    var badMarker = jpeg
    badMarker[4] = 0x00  // APP0 length 0x0001: shorter than its own length field
    badMarker[5] = 0x01
    return [
        BadInput(name: "empty", bytes: [], code: .empty),
        BadInput(name: "random bytes", bytes: (0..<4096).map { UInt8(($0 * 7919 + 13) % 251) }, code: .unknownFormat),
        BadInput(name: "text", bytes: Array("not an image at all\n".utf8), code: .unknownFormat),
        BadInput(name: "truncated JPEG", bytes: Array(jpeg.prefix(jpeg.count * 2 / 5)), code: .corrupt),
        BadInput(name: "JPEG with corrupt marker length", bytes: badMarker, code: .corrupt),
        BadInput(
            name: "PNG declaring 100000×100000", bytes: Encoders.pngHeaderOnly(width: 100_000, height: 100_000),
            code: .tooManyPixels),
        BadInput(
            name: "PNG declaring 20000×20000", bytes: Encoders.pngHeaderOnly(width: 20_000, height: 20_000), code: .tooManyPixels),
        BadInput(name: "PNG without image data", bytes: Encoders.pngHeaderOnly(width: 10, height: 10), code: .corrupt),
        BadInput(name: "truncated PNG", bytes: Array(Encoders.pngHeaderOnly(width: 10, height: 10).prefix(20)), code: .corrupt),
        BadInput(
            name: "truncated BMP", bytes: Array(Encoders.bmp(Encoders.pattern(width: 50, height: 50)).prefix(500)), code: .corrupt
        ),
        BadInput(
            name: "truncated WebP", bytes: Array(Encoders.webpLossless(Encoders.pattern(width: 64, height: 64)).prefix(40)),
            code: .corrupt),
        BadInput(
            name: "HEIF (recognised, not decoded)", bytes: [0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 0, 0],
            code: .unsupportedFormat),
    ]
}

@Test("bad inputs get a specific error, never a crash", arguments: badInputs())
func badInput(_ input: BadInput) {
    #expect {
        _ = try ImageDecoder().decode(input.bytes)
    } throws: { error in
        (error as? MediaError)?.code == input.code
    }
}

@Test("pixel and byte limits are configurable")
func configurableLimits() throws {
    let data = Encoders.bmp(Encoders.pattern(width: 100, height: 100))
    let tight = DecodeOptions(limits: MediaLimits(maxPixels: 9_999))
    #expect(throws: MediaError.self) { try ImageDecoder().decode(data, options: tight) }
    let small = DecodeOptions(limits: MediaLimits(maxBytes: 100))
    #expect(throws: MediaError.self) { try ImageDecoder().decode(data, options: small) }
    #expect(try ImageDecoder().decode(data).image.width == 100)
}

@Test("a decoder reusing its buffer across sizes gives the pixels of a fresh decoder", arguments: [[64, 16, 48], [16, 64, 32]])
func bufferReuseAcrossSizes(_ sides: [Int]) throws {
    let reused = ImageDecoder()
    for (n, side) in sides.enumerated() {
        let image = Encoders.pattern(width: side, height: side + 3, seed: n + 1)
        let data = image.pixels.withUnsafeBytes {
            Encoders.png(width: side, height: side + 3, format: Encoders.pngRGB, samples: $0)
        }
        let decoded = try reused.decode(data)
        #expect(decoded.image.pixels == image.pixels)
        #expect(decoded.image.pixels == (try ImageDecoder().decode(data)).image.pixels)
        reused.recycle(decoded.image)
    }
}
