/// A greyscale 8-bit image: what reviewer-safe previews are made of.
public struct GreyImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "grey buffer size does not match its dimensions")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// ITU-R BT.601 luma of `image`, area-averaged down so that the longer side is at most
    /// `maxSide` (never enlarged). The one preview pipeline of the console and the case reports.
    public init(luma image: RGBImage, maxSide: Int) {
        let (w, h) = (image.width, image.height)
        var grey = [UInt8](repeating: 0, count: w * h)
        image.pixels.withUnsafeBufferPointer { rgb in
            for i in 0..<grey.count {
                let r = 299 * Int(rgb[3 * i])
                let g = 587 * Int(rgb[3 * i + 1])
                let b = 114 * Int(rgb[3 * i + 2])
                grey[i] = UInt8((r + g + b) / 1000)
            }
        }
        let side = max(1, maxSide)
        guard max(w, h) > side else {
            self.init(width: w, height: h, pixels: grey)
            return
        }
        let scale = Double(side) / Double(max(w, h))
        let ow = max(1, Int((Double(w) * scale).rounded())), oh = max(1, Int((Double(h) * scale).rounded()))
        var out = [UInt8](repeating: 0, count: ow * oh)
        for y in 0..<oh {
            let y0 = y * h / oh, y1 = max(y0 + 1, (y + 1) * h / oh)
            for x in 0..<ow {
                let x0 = x * w / ow, x1 = max(x0 + 1, (x + 1) * w / ow)
                var sum = 0
                for sy in y0..<y1 { for sx in x0..<x1 { sum += Int(grey[sy * w + sx]) } }
                out[y * ow + x] = UInt8(sum / ((y1 - y0) * (x1 - x0)))
            }
        }
        self.init(width: ow, height: oh, pixels: out)
    }

    /// Separable box blur with clamped edges, `passes` times (three approximate a Gaussian of
    /// σ ≈ radius).
    public mutating func boxBlur(radius: Int, passes: Int) {
        guard radius > 0, passes > 0 else { return }
        let (width, height) = (self.width, self.height)
        var a = pixels
        var b = pixels
        func pass(_ src: [UInt8], _ dst: inout [UInt8], horizontal: Bool) {
            let (lines, length) = horizontal ? (height, width) : (width, height)
            for line in 0..<lines {
                func at(_ i: Int) -> Int {
                    let c = min(max(i, 0), length - 1)
                    return horizontal ? line * width + c : c * width + line
                }
                var sum = 0
                for i in -radius...radius { sum += Int(src[at(i)]) }
                for i in 0..<length {
                    dst[at(i)] = UInt8(sum / (2 * radius + 1))
                    sum += Int(src[at(i + radius + 1)]) - Int(src[at(i - radius)])
                }
            }
        }
        for _ in 0..<passes {
            pass(a, &b, horizontal: true)
            pass(b, &a, horizontal: false)
        }
        pixels = a
    }
}
