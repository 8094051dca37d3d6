import CImageCodecs
import VigilMedia

/// Test-only encoders through the same system libraries, so each decoder is checked against an
/// independent writer of its format.
enum Encoders {
    /// libpng simplified-API formats (`PNG_FORMAT_*`; the compound macros do not import).
    static let pngGrey: UInt32 = 0, pngGreyAlpha: UInt32 = 1, pngRGB: UInt32 = 2, pngRGBA: UInt32 = 3
    static let pngLinearRGB: UInt32 = 6

    static func pattern(width: Int, height: Int, seed: Int = 0) -> RGBImage {
        RGBImage(width: width, height: height) { x, y in
            (UInt8((x * 7 + y * 3 + seed) & 255), UInt8((x * y + seed * 5) & 255), UInt8((x ^ y) & 255))
        }
    }

    static func jpeg(_ image: RGBImage, quality: Int32 = 95) -> [UInt8] {
        let handle = tjInitCompress()!
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer {
            tjCompress2(
                handle, $0.baseAddress, Int32(image.width), 0, Int32(image.height), TJPF_RGB.rawValue, &output, &size,
                Int32(TJSAMP_444.rawValue), quality, 0)
        }
        precondition(status == 0, "test JPEG encoding failed")
        defer { tjFree(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    /// PNG via libpng's simplified writer; `format` is a `PNG_FORMAT_*` value, `samples` match it.
    static func png(width: Int, height: Int, format: UInt32, samples: UnsafeRawBufferPointer) -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        var size = 0
        precondition(png_image_write_to_memory(&image, nil, &size, 0, samples.baseAddress, 0, nil) != 0)
        var out = [UInt8](repeating: 0, count: size)
        precondition(png_image_write_to_memory(&image, &out, &size, 0, samples.baseAddress, 0, nil) != 0)
        return Array(out.prefix(size))
    }

    static func webpLossless(_ image: RGBImage) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        let size = image.pixels.withUnsafeBufferPointer {
            WebPEncodeLosslessRGB($0.baseAddress, Int32(image.width), Int32(image.height), Int32(image.width * 3), &output)
        }
        precondition(size > 0, "test WebP encoding failed")
        defer { WebPFree(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    /// An uncompressed BMP: 24-bit, or 8-bit with a grey palette when `paletted`.
    static func bmp(_ image: RGBImage, paletted: Bool = false, topDown: Bool = false) -> [UInt8] {
        let bpp = paletted ? 8 : 24
        let stride = ((image.width * bpp + 31) / 32) * 4
        let paletteSize = paletted ? 256 * 4 : 0
        let offset = 14 + 40 + paletteSize
        var out = [UInt8]()
        func le(_ v: Int, _ n: Int) { for i in 0..<n { out.append(UInt8((v >> (8 * i)) & 255)) } }
        out += Array("BM".utf8)
        le(offset + stride * image.height, 4); le(0, 4); le(offset, 4)
        le(40, 4); le(image.width, 4); le(topDown ? -image.height : image.height, 4)
        le(1, 2); le(bpp, 2); le(0, 4); le(stride * image.height, 4); le(2835, 4); le(2835, 4); le(0, 4); le(0, 4)
        if paletted { for i in 0..<256 { out += [UInt8(i), UInt8(i), UInt8(i), 0] } }
        for row in 0..<image.height {
            let y = topDown ? row : image.height - 1 - row
            var line = [UInt8]()
            for x in 0..<image.width {
                let o = (y * image.width + x) * 3
                if paletted {
                    line.append(image.pixels[o])
                } else {
                    line += [image.pixels[o + 2], image.pixels[o + 1], image.pixels[o]]
                }
            }
            line += Array(repeating: 0, count: stride - line.count)
            out += line
        }
        return out
    }

    /// A PNG that is only a signature, an IHDR chunk declaring `width`×`height`, and IEND.
    static func pngHeaderOnly(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 255), UInt8((v >> 8) & 255), UInt8(v & 255)] }
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + body
            return be(UInt32(body.count)) + typed + be(crc32(typed))
        }
        let ihdr = be(width) + be(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IEND", [])
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
