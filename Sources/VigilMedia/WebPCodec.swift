import CImageCodecs

/// Still WebP (lossy and lossless) through libwebp. Animated WebP belongs to the video path.
enum WebPCodec {
    static func decode(_ data: UnsafeBufferPointer<UInt8>, limits: MediaLimits, buffers: BufferSource) throws(MediaError)
        -> DecodedImage
    {
        var features = WebPBitstreamFeatures()
        let status = WebPGetFeatures(data.baseAddress, data.count, &features)
        guard status == VP8_STATUS_OK else {
            throw MediaError(.corrupt, "WebP header is invalid (libwebp status \(status.rawValue))")
        }
        if features.has_animation != 0 {
            throw MediaError(.unsupportedFormat, "animated WebP is not decoded as a still image")
        }
        let width = Int(features.width)
        let height = Int(features.height)
        try limits.checkDimensions(width: width, height: height, format: .webp)
        let image = try buffers.makeRGBImage(width: width, height: height) { (out) throws(MediaError) in
            let size = width * height * 3
            guard WebPDecodeRGBInto(data.baseAddress, data.count, out, size, Int32(width * 3)) != nil else {
                throw MediaError(.corrupt, "WebP data is corrupt or truncated")
            }
        }
        return DecodedImage(format: .webp, sourceWidth: width, sourceHeight: height, image: image, scaleDenominator: 1)
    }
}
