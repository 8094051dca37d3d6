/// A media container format recognised by its magic bytes.
public enum MediaFormat: String, Sendable, Codable, CaseIterable {
    case jpeg, png, gif, webp, bmp
    case heif, avif, tiff
    case mp4, mov, matroska, avi
    case zip

    /// Whether this build decodes the format to pixels.
    public var isDecodableImage: Bool {
        switch self {
        case .jpeg, .png, .gif, .webp, .bmp: true
        default: false
        }
    }

    /// Whether this is a video container (decoded through FFmpeg; WebM is `matroska`).
    public var isVideo: Bool {
        switch self {
        case .mp4, .mov, .matroska, .avi: true
        default: false
        }
    }

    /// Identifies the format from the first bytes of the data, ignoring any file extension.
    public static func sniff(_ bytes: some Collection<UInt8>) -> MediaFormat? {
        let head = Array(bytes.prefix(16))
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<offset + magic.count]) == magic
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("RIFF".utf8)) && starts(Array("AVI ".utf8), at: 8) { return .avi }
        if starts(Array("BM".utf8)) && head.count >= 14 { return .bmp }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return .matroska }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts(Array("ftyp".utf8), at: 4), head.count >= 12 {
            let brand = String(decoding: head[8..<12], as: UTF8.self)
            switch brand {
            case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1": return .heif
            case "avif", "avis": return .avif
            case "qt  ": return .mov
            default: return .mp4
            }
        }
        return nil
    }
}
