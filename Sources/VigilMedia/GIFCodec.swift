import CImageCodecs

/// The first frame of a GIF through giflib, composed onto the logical screen.
enum GIFCodec {
    /// Read cursor handed to giflib's input callback.
    private final class Source {
        let data: UnsafeBufferPointer<UInt8>
        var position = 0
        init(_ data: UnsafeBufferPointer<UInt8>) { self.data = data }
    }

    private static let read: InputFunc = { gif, out, wanted in
        guard let gif, let out, wanted > 0 else { return 0 }
        let source = Unmanaged<Source>.fromOpaque(gif.pointee.UserData).takeUnretainedValue()
        let count = min(Int(wanted), source.data.count - source.position)
        guard count > 0 else { return 0 }
        out.update(from: source.data.baseAddress! + source.position, count: count)
        source.position += count
        return Int32(count)
    }

    static func decode(_ data: UnsafeBufferPointer<UInt8>, limits: MediaLimits, buffers: BufferSource) throws(MediaError)
        -> DecodedImage
    {
        let source = Source(data)
        return try withExtendedLifetime(source) { () throws(MediaError) -> DecodedImage in
            var status: Int32 = 0
            guard let gif = DGifOpen(Unmanaged.passUnretained(source).toOpaque(), read, &status) else {
                throw MediaError(.corrupt, "GIF header is invalid: \(describe(status))")
            }
            defer { DGifCloseFile(gif, nil) }
            let screenWidth = Int(gif.pointee.SWidth)
            let screenHeight = Int(gif.pointee.SHeight)
            try limits.checkDimensions(width: screenWidth, height: screenHeight, format: .gif)
            while true {
                var record = UNDEFINED_RECORD_TYPE
                guard DGifGetRecordType(gif, &record) == GIF_OK else {
                    throw MediaError(.corrupt, "GIF is corrupt: \(describe(gif.pointee.Error))")
                }
                switch record {
                case IMAGE_DESC_RECORD_TYPE:
                    let image = try firstFrame(gif, screenWidth: screenWidth, screenHeight: screenHeight, buffers: buffers)
                    return DecodedImage(
                        format: .gif, sourceWidth: screenWidth, sourceHeight: screenHeight, image: image,
                        scaleDenominator: 1)
                case EXTENSION_RECORD_TYPE:
                    var code: Int32 = 0
                    var block: UnsafeMutablePointer<GifByteType>?
                    guard DGifGetExtension(gif, &code, &block) == GIF_OK else {
                        throw MediaError(.corrupt, "GIF extension is corrupt: \(describe(gif.pointee.Error))")
                    }
                    while block != nil {
                        guard DGifGetExtensionNext(gif, &block) == GIF_OK else {
                            throw MediaError(.corrupt, "GIF extension is corrupt: \(describe(gif.pointee.Error))")
                        }
                    }
                case TERMINATE_RECORD_TYPE:
                    throw MediaError(.corrupt, "GIF contains no image")
                default:
                    throw MediaError(.corrupt, "GIF has an unknown record type")
                }
            }
        }
    }

    private static func firstFrame(
        _ gif: UnsafeMutablePointer<GifFileType>, screenWidth: Int, screenHeight: Int, buffers: BufferSource
    )
        throws(MediaError) -> RGBImage
    {
        guard DGifGetImageDesc(gif) == GIF_OK else {
            throw MediaError(.corrupt, "GIF image descriptor is corrupt: \(describe(gif.pointee.Error))")
        }
        let desc = gif.pointee.Image
        let left = Int(desc.Left), top = Int(desc.Top)
        let width = Int(desc.Width), height = Int(desc.Height)
        guard width > 0, height > 0, width <= screenWidth, height <= screenHeight else {
            throw MediaError(.corrupt, "GIF frame \(width)×\(height) does not fit the \(screenWidth)×\(screenHeight) screen")
        }
        guard let map = desc.ColorMap ?? gif.pointee.SColorMap, let colors = map.pointee.Colors else {
            throw MediaError(.corrupt, "GIF has no colour table")
        }
        let colorCount = Int(map.pointee.ColorCount)
        var indices = [UInt8](repeating: 0, count: width * height)
        // Interlaced frames arrive in four passes.
        let passes: [(start: Int, step: Int)] = desc.Interlace ? [(0, 8), (4, 8), (2, 4), (1, 2)] : [(0, 1)]
        for pass in passes {
            var row = pass.start
            while row < height {
                let ok = indices.withUnsafeMutableBufferPointer {
                    DGifGetLine(gif, $0.baseAddress! + row * width, Int32(width)) == GIF_OK
                }
                guard ok else {
                    throw MediaError(.corrupt, "GIF image data is corrupt or truncated: \(describe(gif.pointee.Error))")
                }
                row += pass.step
            }
        }
        // The canvas starts as the background colour; the frame is clipped to the screen.
        let background = Int(gif.pointee.SBackGroundColor)
        let fill: (UInt8, UInt8, UInt8) =
            gif.pointee.SColorMap != nil && background < Int(gif.pointee.SColorMap.pointee.ColorCount)
            ? {
                let c = gif.pointee.SColorMap.pointee.Colors[background]; return (c.Red, c.Green, c.Blue)
            }()
            : (0, 0, 0)
        return try buffers.makeRGBImage(width: screenWidth, height: screenHeight) { out in
            for i in 0..<(screenWidth * screenHeight) {
                out[3 * i] = fill.0
                out[3 * i + 1] = fill.1
                out[3 * i + 2] = fill.2
            }
            for y in 0..<height where top + y < screenHeight {
                for x in 0..<width where left + x < screenWidth {
                    let index = Int(indices[y * width + x])
                    let o = ((top + y) * screenWidth + left + x) * 3
                    if index < colorCount {
                        let c = colors[index]
                        out[o] = c.Red
                        out[o + 1] = c.Green
                        out[o + 2] = c.Blue
                    } else {
                        out[o] = 0
                        out[o + 1] = 0
                        out[o + 2] = 0
                    }
                }
            }
        }
    }

    private static func describe(_ code: Int32) -> String {
        guard let text = GifErrorString(code) else { return "giflib error \(code)" }
        return String(cString: text)
    }
}
