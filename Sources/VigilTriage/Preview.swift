import VigilCore
import VigilMedia

/// A greyscale 8-bit image.
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
}

/// Report previews: small, greyscale and blurred by default, rendered on the server from the
/// decoded pixels (the original bytes are never embedded).
public struct PreviewRenderer: Sendable {
    /// The longer side of a preview, in pixels.
    public var maxSide: Int
    /// Radius of each of the three box-blur passes (≈ a Gaussian of σ ≈ radius); 0 turns blurring off.
    public var blurRadius: Int
    public var limits: MediaLimits
    public var archiveLimits: ArchiveLimits

    public static let defaultMaxSide = 96
    public static let defaultBlurRadius = 3

    public init(
        maxSide: Int = defaultMaxSide, blurRadius: Int = defaultBlurRadius, limits: MediaLimits = .default,
        archiveLimits: ArchiveLimits = ArchiveLimits()
    ) {
        self.maxSide = max(8, maxSide)
        self.blurRadius = max(0, blurRadius)
        self.limits = limits
        self.archiveLimits = archiveLimits
    }

    /// The preview of a case item as a BMP file, read from disk or from its archive.
    public func preview(of item: CaseItem) throws(TriageError) -> [UInt8] {
        let bytes: [UInt8]
        if item.container != nil {
            bytes = try ArchiveReader.member(named: item.path, limits: archiveLimits)
        } else {
            do {
                bytes = try FileInput.read(item.path, maxBytes: limits.maxBytes)
            } catch {
                throw TriageError(.io, error.message, cause: error)
            }
        }
        let decoded: DecodedImage
        do {
            decoded = try ImageDecoder().decode(bytes, options: DecodeOptions(limits: limits, reducedShortSide: maxSide * 2))
        } catch {
            throw TriageError(.io, "cannot decode for a preview: \(error.message)", cause: error)
        }
        return Self.bmp(render(decoded.image))
    }

    /// Downscales (area average) to fit `maxSide`, converts to luma, then blurs.
    public func render(_ image: RGBImage) -> GreyImage {
        let scale = max(1, (max(image.width, image.height) + maxSide - 1) / maxSide)
        let (w, h) = (max(1, image.width / scale), max(1, image.height / scale))
        var grey = [UInt8](repeating: 0, count: w * h)
        image.pixels.withUnsafeBufferPointer { p in
            for y in 0..<h {
                for x in 0..<w {
                    var sum = 0
                    for sy in (y * scale)..<min(image.height, (y + 1) * scale) {
                        var o = (sy * image.width + x * scale) * 3
                        for _ in (x * scale)..<min(image.width, (x + 1) * scale) {
                            sum += 299 * Int(p[o]) + 587 * Int(p[o + 1]) + 114 * Int(p[o + 2])
                            o += 3
                        }
                    }
                    grey[y * w + x] = UInt8(min(255, sum / (1000 * scale * scale)))
                }
            }
        }
        var out = GreyImage(width: w, height: h, pixels: grey)
        if blurRadius > 0 { for _ in 0..<3 { Self.boxBlur(&out, radius: blurRadius) } }
        return out
    }

    /// One horizontal and one vertical box pass, edges clamped.
    static func boxBlur(_ image: inout GreyImage, radius r: Int) {
        let (w, h) = (image.width, image.height)
        var tmp = image.pixels
        let n = 2 * r + 1
        for y in 0..<h {
            for x in 0..<w {
                var s = 0
                for k in -r...r { s += Int(image.pixels[y * w + min(w - 1, max(0, x + k))]) }
                tmp[y * w + x] = UInt8((s + n / 2) / n)
            }
        }
        for y in 0..<h {
            for x in 0..<w {
                var s = 0
                for k in -r...r { s += Int(tmp[min(h - 1, max(0, y + k)) * w + x]) }
                image.pixels[y * w + x] = UInt8((s + n / 2) / n)
            }
        }
    }

    /// An 8-bit palettised (grey ramp) BMP: browsers show it in an `img` data URI.
    public static func bmp(_ image: GreyImage) -> [UInt8] {
        let rowBytes = (image.width + 3) & ~3
        let offset = 14 + 40 + 256 * 4
        let size = offset + rowBytes * image.height
        var out: [UInt8] = []
        out.reserveCapacity(size)
        func u16(_ v: Int) { out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int) { u16(v & 0xFFFF); u16((v >> 16) & 0xFFFF) }
        out += Array("BM".utf8)
        u32(size); u32(0); u32(offset)
        u32(40); u32(image.width); u32(image.height); u16(1); u16(8); u32(0); u32(rowBytes * image.height)
        u32(2835); u32(2835); u32(256); u32(0)
        for v in 0..<256 { out += [UInt8(v), UInt8(v), UInt8(v), 0] }
        for y in stride(from: image.height - 1, through: 0, by: -1) {
            out += image.pixels[(y * image.width)..<((y + 1) * image.width)]
            out += [UInt8](repeating: 0, count: rowBytes - image.width)
        }
        return out
    }
}
