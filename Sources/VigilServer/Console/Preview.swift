import Foundation
import VigilHashing
import VigilMedia

/// Server-side previews for reviewers: decoded at reduced size, converted to greyscale, scaled
/// down to at most `maxSide` pixels, box-blurred unless revealed, and encoded as PNG. The
/// client never receives the full-resolution media.
enum Preview {
    /// Side and blur of the default (safe) rendering, and the side of a revealed one.
    static let blurredSide = 96
    static let blurRadius = 4
    static let revealedSide = 256

    /// Stills shown for a video, and the grey gap between them on the strip.
    static let maxStills = 4
    static let stillGap = 4
    /// A console preview decodes at most this much video.
    static let videoLimits = VideoLimits(maxDurationSeconds: 4 * 3600, maxFrames: 500_000, maxDecodeSeconds: 60)

    /// A PNG preview of image bytes, or for a video a strip of its stills; nil when the bytes
    /// are neither (unknown formats get a placeholder from the caller).
    static func render(_ bytes: [UInt8], revealed: Bool, limits: MediaLimits) -> [UInt8]? {
        let side = revealed ? revealedSide : blurredSide
        if MediaFormat.sniff(bytes)?.isVideo == true {
            guard let stills = videoStills(bytes, side: side, blurred: !revealed, limits: limits), !stills.isEmpty else {
                return nil
            }
            let strip = Self.strip(stills)
            return png(width: strip.width, height: strip.height, grey: strip.pixels)
        }
        guard let decoded = try? ImageDecoder().decode(bytes, options: DecodeOptions(limits: limits, reducedShortSide: side))
        else { return nil }
        var grey = GreyImage(luma: decoded.image, maxSide: side)
        if !revealed { grey.boxBlur(radius: blurRadius, passes: 3) }
        return png(width: grey.width, height: grey.height, grey: grey.pixels)
    }

    /// Up to `maxStills` frames of a video from the vPDQ sampling (`VPDQ.frameMod`), at one frame
    /// per `duration / maxStills` seconds (at least one second) so that they spread over the video,
    /// each through the same greyscale pipeline as an image. Only the kept stills are held.
    static func videoStills(_ bytes: [UInt8], side: Int, blurred: Bool, limits: MediaLimits) -> [GreyImage]? {
        guard let video = try? VideoFrames(bytes, limits: limits, videoLimits: videoLimits) else { return nil }
        let seconds = max(1, (video.info.durationSeconds ?? 0) / Double(maxStills))
        let step = VPDQ.frameMod(secondsPerHash: seconds, framesPerSecond: video.info.framesPerSecond)
        var stills: [GreyImage] = []
        let decoded = try? video.decode(every: step) { _, frame in
            guard stills.count < maxStills else { return }
            var grey = GreyImage(luma: frame, maxSide: side)
            if blurred { grey.boxBlur(radius: blurRadius, passes: 3) }
            stills.append(grey)
        }
        return decoded == nil ? nil : stills
    }

    /// Stills side by side, top-aligned, separated by mid-grey gaps.
    static func strip(_ stills: [GreyImage]) -> GreyImage {
        let width = stills.reduce(0) { $0 + $1.width } + stillGap * max(stills.count - 1, 0)
        let height = stills.map(\.height).max() ?? 1
        var pixels = [UInt8](repeating: 128, count: width * height)
        var x0 = 0
        for still in stills {
            for y in 0..<still.height {
                let row = still.pixels[(y * still.width)..<((y + 1) * still.width)]
                pixels.replaceSubrange((y * width + x0)..<(y * width + x0 + still.width), with: row)
            }
            x0 += still.width + stillGap
        }
        return GreyImage(width: width, height: height, pixels: pixels)
    }

    /// A flat mid-grey PNG for media without a still preview.
    static func placeholder() -> [UInt8] { png(width: 8, height: 8, grey: [UInt8](repeating: 128, count: 64)) }

    /// An 8-bit greyscale PNG with stored (uncompressed) deflate blocks: previews are tiny.
    static func png(width: Int, height: Int, grey: [UInt8]) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity((width + 1) * height)
        for y in 0..<height {
            raw.append(0)
            raw += grey[y * width..<(y + 1) * width]
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, raw.count - offset)
            let last: UInt8 = offset + n == raw.count ? 1 : 0
            zlib += [last, UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
            zlib += raw[offset..<offset + n]
            offset += n
        } while offset < raw.count
        zlib += bigEndian(adler32(raw))
        var out: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
        func chunk(_ type: String, _ data: [UInt8]) {
            let body = Array(type.utf8) + data
            out += bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
        }
        chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 0, 0, 0, 0])
        chunk("IDAT", zlib)
        chunk("IEND", [])
        return out
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }

    private static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for byte in data { c = crcTable[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xffff_ffff
    }
}
