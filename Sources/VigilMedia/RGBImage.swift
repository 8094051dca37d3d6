/// A decoded image: 8-bit RGB, interleaved, row-major, no padding.
public struct RGBImage: Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGB buffer size does not match its dimensions")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Builds an image by evaluating `pixel(x, y)` for every pixel; for tests and generated patterns.
    public init(width: Int, height: Int, pixel: (Int, Int) -> (UInt8, UInt8, UInt8)) {
        var buffer = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = pixel(x, y)
                let o = (y * width + x) * 3
                buffer[o] = r
                buffer[o + 1] = g
                buffer[o + 2] = b
            }
        }
        self.init(width: width, height: height, pixels: buffer)
    }
}
