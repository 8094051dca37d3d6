import VigilCore
import VigilMedia

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

    /// Luma, area-averaged to fit `maxSide`, then three box-blur passes (`GreyImage`).
    public func render(_ image: RGBImage) -> GreyImage {
        var out = GreyImage(luma: image, maxSide: maxSide)
        out.boxBlur(radius: blurRadius, passes: 3)
        return out
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
