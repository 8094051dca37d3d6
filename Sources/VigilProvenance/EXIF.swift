/// The EXIF fields Vigil reads: Software, Make, Model and UserComment.
public struct EXIFInfo: Sendable, Equatable {
    public var software: String?
    public var make: String?
    public var model: String?
    public var userComment: String?
    public init() {}
}

/// Reads a TIFF-structured EXIF block (IFD0 and the Exif sub-IFD), bounds-checked throughout.
public enum EXIFReader {
    public static func parse(_ b: [UInt8], name: String) throws(ProvenanceError) -> EXIFInfo {
        guard b.count >= 8 else { throw ProvenanceError(.truncated, "\(name): EXIF header cut off") }
        let little: Bool
        switch (b[0], b[1]) {
        case (0x49, 0x49): little = true
        case (0x4d, 0x4d): little = false
        default: throw ProvenanceError(.malformed, "\(name): EXIF byte order mark missing")
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= b.count else { return nil }
            return little ? Int(b[at]) | Int(b[at + 1]) << 8 : Int(b[at]) << 8 | Int(b[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let hi = u16(little ? at + 2 : at), let lo = u16(little ? at : at + 2) else { return nil }
            return hi << 16 | lo
        }
        /// The (tag, type, count, value bytes) entries of the IFD at `offset`.
        func entries(_ offset: Int) -> [(Int, Int, ArraySlice<UInt8>)] {
            guard let n = u16(offset), n <= 1000 else { return [] }
            var out: [(Int, Int, ArraySlice<UInt8>)] = []
            for i in 0..<n {
                let e = offset + 2 + 12 * i
                guard let tag = u16(e), let type = u16(e + 2), let count = u32(e + 4) else { break }
                let unit = [1: 1, 2: 1, 3: 2, 4: 4, 7: 1][type] ?? 0
                guard unit > 0, count <= b.count else { continue }
                let size = unit * count
                let start = size <= 4 ? e + 8 : (u32(e + 8) ?? b.count)
                guard start >= 0, start <= b.count, size <= b.count - start else { continue }
                out.append((tag, type, b[start..<(start + size)]))
            }
            return out
        }
        func ascii(_ v: ArraySlice<UInt8>) -> String? {
            let s = String(decoding: v.prefix { $0 != 0 }, as: UTF8.self)
            return s.isEmpty ? nil : s
        }
        var info = EXIFInfo()
        guard let ifd0 = u32(4) else { throw ProvenanceError(.truncated, "\(name): EXIF IFD offset cut off") }
        var exifIFD: Int?
        for (tag, _, value) in entries(ifd0) {
            switch tag {
            case 0x0131: info.software = ascii(value)
            case 0x010f: info.make = ascii(value)
            case 0x0110: info.model = ascii(value)
            case 0x8769: exifIFD = value.count == 4 ? u32(value.startIndex) : nil
            default: break
            }
        }
        if let exifIFD, exifIFD != ifd0 {
            for (tag, _, value) in entries(exifIFD) where tag == 0x9286 {
                info.userComment = userComment(value, little: little)
            }
        }
        return info
    }

    /// UserComment: an 8-byte character code (`ASCII`, `UNICODE`, `JIS` or undefined), then text.
    static func userComment(_ v: ArraySlice<UInt8>, little: Bool) -> String? {
        guard v.count >= 8 else { return nil }
        let code = Array(v.prefix(8))
        let body = Array(v.dropFirst(8))
        let text: String
        if code == Array("UNICODE\0".utf8) {
            // UTF-16 in the TIFF byte order, or with a byte order mark.
            var units: [UInt16] = []
            var bigEndian = !little
            var bytes = body[...]
            if bytes.starts(with: [0xfe, 0xff]) {
                bigEndian = true
                bytes = bytes.dropFirst(2)
            } else if bytes.starts(with: [0xff, 0xfe]) {
                bigEndian = false
                bytes = bytes.dropFirst(2)
            }
            var i = bytes.startIndex
            while i + 1 < bytes.endIndex {
                let a = UInt16(bytes[i])
                let c = UInt16(bytes[i + 1])
                units.append(bigEndian ? a << 8 | c : c << 8 | a)
                i += 2
            }
            text = String(decoding: units, as: UTF16.self)
        } else {
            text = String(decoding: body, as: UTF8.self)
        }
        let trimmed = String(text.prefix { $0 != "\0" })
        return trimmed.isEmpty ? nil : trimmed
    }
}
