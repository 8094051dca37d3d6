/// Uncompressed Windows/OS2 bitmaps: 1, 4 and 8-bit palettes, 16, 24 and 32-bit
/// (plain or bit-field masks). RLE-compressed bitmaps are refused with a clear error.
enum BMPCodec {
    private struct Header {
        var width = 0, height = 0, topDown = false
        var bitsPerPixel = 0, compression = 0, colorsUsed = 0
        var paletteOffset = 0, paletteEntrySize = 4
        var masks: (r: Int, g: Int, b: Int) = (0, 0, 0)
    }

    static func decode(_ data: UnsafeBufferPointer<UInt8>, limits: MediaLimits, buffers: BufferSource) throws(MediaError)
        -> DecodedImage
    {
        let header = try parseHeader(data)
        try limits.checkDimensions(width: header.width, height: header.height, format: .bmp)
        let pixelOffset = readLE(data, 10, 4)
        let stride = ((header.width * header.bitsPerPixel + 31) / 32) * 4
        guard pixelOffset >= 14, pixelOffset <= data.count, (data.count - pixelOffset) / stride >= header.height else {
            throw MediaError(.corrupt, "BMP pixel data is truncated (needs \(stride * header.height) bytes)")
        }
        let palette = try readPalette(data, header)
        let image = try buffers.makeRGBImage(width: header.width, height: header.height) { out in
            for row in 0..<header.height {
                let sourceRow = header.topDown ? row : header.height - 1 - row
                let base = pixelOffset + sourceRow * stride
                for x in 0..<header.width {
                    let (r, g, b) = pixel(data, base: base, x: x, header: header, palette: palette)
                    let o = (row * header.width + x) * 3
                    out[o] = r
                    out[o + 1] = g
                    out[o + 2] = b
                }
            }
        }
        return DecodedImage(
            format: .bmp, sourceWidth: header.width, sourceHeight: header.height, image: image, scaleDenominator: 1)
    }

    private static func parseHeader(_ data: UnsafeBufferPointer<UInt8>) throws(MediaError) -> Header {
        guard data.count >= 26 else { throw MediaError(.corrupt, "BMP header is truncated") }
        let infoSize = readLE(data, 14, 4)
        var h = Header()
        switch infoSize {
        case 12:
            h.width = readLE(data, 18, 2)
            h.height = readLE(data, 20, 2)
            h.bitsPerPixel = readLE(data, 24, 2)
            h.paletteEntrySize = 3
        case 40, 52, 56, 64, 108, 124:
            guard data.count >= 14 + 40 else { throw MediaError(.corrupt, "BMP header is truncated") }
            h.width = Int(Int32(truncatingIfNeeded: readLE(data, 18, 4)))
            let signedHeight = Int(Int32(truncatingIfNeeded: readLE(data, 22, 4)))
            h.topDown = signedHeight < 0
            h.height = abs(signedHeight)
            h.bitsPerPixel = readLE(data, 28, 2)
            h.compression = readLE(data, 30, 4)
            h.colorsUsed = readLE(data, 46, 4)
        default:
            throw MediaError(.corrupt, "BMP has an unknown header size \(infoSize)")
        }
        h.paletteOffset = 14 + infoSize
        switch (h.compression, h.bitsPerPixel) {
        case (0, 1), (0, 4), (0, 8), (0, 24), (0, 32):
            break
        case (0, 16):
            h.masks = (0x7C00, 0x03E0, 0x001F)
        case (3, 16), (3, 32), (6, 16), (6, 32):
            // Masks follow a 40-byte header, or sit inside the larger ones at the same place.
            guard data.count >= 14 + 40 + 12 else { throw MediaError(.corrupt, "BMP bit-field masks are truncated") }
            h.masks = (readLE(data, 54, 4), readLE(data, 58, 4), readLE(data, 62, 4))
            if infoSize == 40 { h.paletteOffset += h.compression == 6 ? 16 : 12 }
            guard h.masks.r != 0, h.masks.g != 0, h.masks.b != 0 else {
                throw MediaError(.corrupt, "BMP bit-field masks are empty")
            }
        case (1, _), (2, _):
            throw MediaError(.unsupportedFormat, "RLE-compressed BMP is not supported")
        default:
            throw MediaError(
                .unsupportedFormat, "BMP with compression \(h.compression) and \(h.bitsPerPixel) bits per pixel is not supported")
        }
        return h
    }

    private static func readPalette(_ data: UnsafeBufferPointer<UInt8>, _ h: Header) throws(MediaError) -> [(UInt8, UInt8, UInt8)]
    {
        guard h.bitsPerPixel <= 8 else { return [] }
        let maximum = 1 << h.bitsPerPixel
        let count = h.colorsUsed == 0 ? maximum : min(h.colorsUsed, maximum)
        guard h.paletteOffset + count * h.paletteEntrySize <= data.count else {
            throw MediaError(.corrupt, "BMP palette is truncated")
        }
        var palette = (0..<count).map { i -> (UInt8, UInt8, UInt8) in
            let o = h.paletteOffset + i * h.paletteEntrySize
            return (data[o + 2], data[o + 1], data[o])
        }
        // Indices past a short palette read as black, as in common decoders.
        palette += Array(repeating: (0, 0, 0), count: maximum - count)
        return palette
    }

    @inline(__always)
    private static func pixel(
        _ data: UnsafeBufferPointer<UInt8>, base: Int, x: Int, header h: Header, palette: [(UInt8, UInt8, UInt8)]
    ) -> (UInt8, UInt8, UInt8) {
        switch h.bitsPerPixel {
        case 24:
            let o = base + x * 3
            return (data[o + 2], data[o + 1], data[o])
        case 32 where h.compression == 0:
            let o = base + x * 4
            return (data[o + 2], data[o + 1], data[o])
        case 16, 32:
            let value = readLE(data, base + x * h.bitsPerPixel / 8, h.bitsPerPixel / 8)
            return (scale(value, h.masks.r), scale(value, h.masks.g), scale(value, h.masks.b))
        default:
            let bitOffset = x * h.bitsPerPixel
            let byte = Int(data[base + bitOffset / 8])
            let shift = 8 - h.bitsPerPixel - bitOffset % 8
            return palette[(byte >> shift) & ((1 << h.bitsPerPixel) - 1)]
        }
    }

    /// Extracts the masked field and scales it to 0…255 with rounding.
    @inline(__always) private static func scale(_ value: Int, _ mask: Int) -> UInt8 {
        let shift = mask.trailingZeroBitCount
        let maximum = mask >> shift
        return UInt8((((value & mask) >> shift) * 255 + maximum / 2) / maximum)
    }
}
