import CImageCodecs

/// PNG through libpng: 8- and 16-bit, palette, grey and alpha, reduced to 8-bit RGB
/// (16-bit samples keep their high byte, alpha is dropped, as Pillow's `convert("RGB")` does).
enum PNGCodec {
    /// Ancillary chunks (iCCP, zTXt, …) may not inflate past this.
    static let chunkMemoryLimit = 8 << 20

    static func decode(_ data: UnsafeBufferPointer<UInt8>, limits: MediaLimits, buffers: BufferSource) throws(MediaError)
        -> DecodedImage
    {
        // Signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4).
        guard data.count >= 24, readBE32(data, 8) == 13,
            data[12] == 0x49, data[13] == 0x48, data[14] == 0x44, data[15] == 0x52
        else {
            throw MediaError(.corrupt, "PNG has no valid IHDR chunk")
        }
        let width = readBE32(data, 16)
        let height = readBE32(data, 20)
        try limits.checkDimensions(width: width, height: height, format: .png)
        let image = try buffers.makeRGBImage(width: width, height: height) { (out) throws(MediaError) in
            var message = [CChar](repeating: 0, count: 256)
            let status = vigil_png_decode_rgb8(
                data.baseAddress, data.count, UInt32(width), UInt32(height), out, chunkMemoryLimit,
                &message, message.count)
            guard status == 0 else {
                let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                throw MediaError(.corrupt, "PNG data is corrupt: \(reason)")
            }
        }
        return DecodedImage(format: .png, sourceWidth: width, sourceHeight: height, image: image, scaleDenominator: 1)
    }
}
