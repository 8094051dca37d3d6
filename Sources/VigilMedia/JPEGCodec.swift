import CImageCodecs

/// JPEG through the TurboJPEG API (libjpeg-turbo): accurate integer IDCT and fancy
/// upsampling, the same defaults as Pillow, so pixels agree with the reference pipeline.
enum JPEGCodec {
    static func decode(_ data: UnsafeBufferPointer<UInt8>, handle: tjhandle, options: DecodeOptions, buffers: BufferSource)
        throws(MediaError)
        -> DecodedImage
    {
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colorspace: Int32 = 0
        guard
            tjDecompressHeader3(
                handle, data.baseAddress, UInt(data.count), &width, &height, &subsampling, &colorspace) == 0
        else {
            throw MediaError(.corrupt, "JPEG header is invalid: \(errorText(handle))")
        }
        try options.limits.checkDimensions(width: Int(width), height: Int(height), format: .jpeg)
        if colorspace == TJCS_CMYK.rawValue || colorspace == TJCS_YCCK.rawValue {
            throw MediaError(.unsupportedFormat, "CMYK/YCCK JPEGs are not supported")
        }
        let denominator = scaleDenominator(width: Int(width), height: Int(height), minShortSide: options.reducedShortSide)
        let outWidth = (Int(width) + denominator - 1) / denominator
        let outHeight = (Int(height) + denominator - 1) / denominator
        let image = try buffers.makeRGBImage(width: outWidth, height: outHeight) { (out) throws(MediaError) in
            let strict = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS
            var status = tjDecompress2(
                handle, data.baseAddress, UInt(data.count), out, Int32(outWidth), 0, Int32(outHeight),
                TJPF_RGB.rawValue, strict)
            if status != 0 && tjGetErrorCode(handle) == TJERR_WARNING.rawValue {
                let reason = errorText(handle)
                // A missing tail is an error (as in Pillow); other warnings, such as stray
                // bytes between markers, are tolerated like every mainstream decoder does.
                if reason.contains("Premature end") {
                    throw MediaError(.corrupt, "JPEG is truncated (\(reason))")
                }
                status = tjDecompress2(
                    handle, data.baseAddress, UInt(data.count), out, Int32(outWidth), 0, Int32(outHeight),
                    TJPF_RGB.rawValue, TJFLAG_LIMITSCANS)
            }
            guard status == 0 else {
                throw MediaError(.corrupt, "JPEG data is corrupt: \(errorText(handle))")
            }
        }
        return DecodedImage(
            format: .jpeg, sourceWidth: Int(width), sourceHeight: Int(height), image: image,
            scaleDenominator: denominator)
    }

    /// The largest denominator in {8, 4, 2} keeping the shorter side ≥ `minShortSide`, else 1.
    static func scaleDenominator(width: Int, height: Int, minShortSide: Int?) -> Int {
        guard let minShortSide else { return 1 }
        let shortSide = min(width, height)
        for denominator in [8, 4, 2] where (shortSide + denominator - 1) / denominator >= minShortSide {
            return denominator
        }
        return 1
    }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: text)
    }
}
