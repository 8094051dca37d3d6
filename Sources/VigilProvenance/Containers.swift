/// The metadata an image or BMFF file carries, found without decoding any pixels.
public struct EmbeddedMetadata: Sendable {
    public enum Format: String, Sendable { case jpeg, png, webp, bmff, c2pa }
    public var format: Format
    /// The reassembled C2PA manifest store, if there is one.
    public var c2paStore: [UInt8]?
    /// The XMP packet.
    public var xmp: [UInt8]?
    /// The EXIF TIFF structure (after JPEG's `Exif\0\0`).
    public var exif: [UInt8]?
    /// PNG tEXt/iTXt/zTXt entries in file order (zTXt and compressed iTXt inflated).
    public var text: [(key: String, value: String)] = []
}

/// Finds C2PA stores, XMP, EXIF and PNG text in JPEG, PNG, WebP and BMFF (HEIF, MP4) bytes, or a
/// sidecar `.c2pa` store. Every declared length is checked against the bytes before it is used.
public enum MetadataExtractor {
    static let xmpHeader = Array("http://ns.adobe.com/xap/1.0/\0".utf8)

    /// The container format of `bytes`, or nil when it is none of the above.
    public static func format(of bytes: [UInt8]) -> EmbeddedMetadata.Format? {
        bytes.withUnsafeBytes { format(of: $0) }
    }

    /// The container format of `bytes` in place (a memory-mapped file, say).
    public static func format(of bytes: UnsafeRawBufferPointer) -> EmbeddedMetadata.Format? {
        func at(_ offset: Int, _ text: String) -> Bool {
            bytes.count >= offset + text.utf8.count && bytes[offset..<(offset + text.utf8.count)].elementsEqual(text.utf8)
        }
        if bytes.starts(with: [0xff, 0xd8, 0xff]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) { return .png }
        if at(0, "RIFF"), at(8, "WEBP") { return .webp }
        if at(4, "ftyp") { return .bmff }
        if at(4, "jumb") { return .c2pa }
        return nil
    }

    /// Extracts what `bytes` carries; `name` names the file in errors.
    public static func extract(_ bytes: [UInt8], name: String) throws(ProvenanceError) -> EmbeddedMetadata {
        try bytes.withUnsafeBytes { raw in Result { () throws(ProvenanceError) in try extract(raw, name: name) } }.get()
    }

    /// Extracts what `bytes` carries, reading them in place; only the found parts are copied.
    public static func extract(_ bytes: UnsafeRawBufferPointer, name: String) throws(ProvenanceError) -> EmbeddedMetadata {
        guard let format = format(of: bytes) else {
            throw ProvenanceError(.unsupported, "\(name): not a JPEG, PNG, WebP, BMFF or C2PA file")
        }
        var meta = EmbeddedMetadata(format: format)
        switch format {
        case .jpeg: try jpeg(bytes, name: name, into: &meta)
        case .png: try png(bytes, name: name, into: &meta)
        case .webp: try webp(bytes, name: name, into: &meta)
        case .bmff: try bmff(bytes, name: name, into: &meta)
        case .c2pa: meta.c2paStore = Array(bytes)
        }
        return meta
    }

    static func be(_ b: UnsafeRawBufferPointer, _ at: Int, _ count: Int) -> Int {
        var v = 0
        for i in 0..<count { v = v << 8 | Int(b[at + i]) }
        return v
    }

    private static func jpeg(_ b: UnsafeRawBufferPointer, name: String, into meta: inout EmbeddedMetadata) throws(ProvenanceError)
    {
        var at = 2
        // JUMBF segments by instance number En: (sequence Z, payload).
        var jumbf: [Int: [(Int, Slice<UnsafeRawBufferPointer>)]] = [:]
        var order: [Int] = []
        while at + 4 <= b.count {
            guard b[at] == 0xff else { throw ProvenanceError(.malformed, "\(name): JPEG marker expected at \(at)") }
            let marker = b[at + 1]
            if marker == 0xff {
                at += 1
                continue
            }
            if marker == 0xd8 || marker == 0x01 || (0xd0...0xd7).contains(marker) {
                at += 2
                continue
            }
            if marker == 0xda || marker == 0xd9 { break }
            let length = be(b, at + 2, 2)
            guard length >= 2, at + 2 + length <= b.count else {
                throw ProvenanceError(.truncated, "\(name): JPEG segment at \(at) runs past the end of the file")
            }
            let payload = b[(at + 4)..<(at + 2 + length)]
            if marker == 0xeb, payload.count >= 16, payload.starts(with: [0x4a, 0x50]) {
                let p = payload.startIndex
                let instance = be(b, p + 2, 2)
                let sequence = be(b, p + 4, 4)
                if jumbf[instance] == nil { order.append(instance) }
                jumbf[instance, default: []].append((sequence, payload[(p + 8)...]))
            } else if marker == 0xe1 {
                if payload.starts(with: Array("Exif\0\0".utf8)), meta.exif == nil {
                    meta.exif = Array(payload.dropFirst(6))
                } else if payload.starts(with: xmpHeader), meta.xmp == nil {
                    meta.xmp = Array(payload.dropFirst(xmpHeader.count))
                }
            }
            at += 2 + length
        }
        for instance in order {
            let segments = jumbf[instance]!.sorted { $0.0 < $1.0 }
            var store: [UInt8] = []
            for (index, segment) in segments.enumerated() {
                // Later segments repeat the 8-byte LBox/TBox header of the first.
                store += index == 0 ? segment.1 : segment.1.dropFirst(8)
            }
            if store.count >= 8, Array(store[4..<8]) == Array("jumb".utf8), isC2PAStore(store) {
                meta.c2paStore = store
                break
            }
        }
    }

    /// Whether `store` is a superbox whose description is the C2PA store type (`c2pa`).
    static func isC2PAStore(_ store: [UInt8]) -> Bool {
        // jumb header (8) + jumd header (8) + UUID.
        store.count >= 20 && Array(store[12..<16]) == Array("jumd".utf8) && Array(store[16..<20]) == Array("c2pa".utf8)
    }

    private static func png(_ b: UnsafeRawBufferPointer, name: String, into meta: inout EmbeddedMetadata) throws(ProvenanceError)
    {
        var at = 8
        while at + 12 <= b.count {
            let length = be(b, at, 4)
            let type = String(decoding: b[(at + 4)..<(at + 8)], as: UTF8.self)
            guard length <= b.count - at - 12 else {
                throw ProvenanceError(.truncated, "\(name): PNG chunk at \(at) runs past the end of the file")
            }
            let data = b[(at + 8)..<(at + 8 + length)]
            switch type {
            case "caBX": if meta.c2paStore == nil { meta.c2paStore = Array(data) }
            case "eXIf": if meta.exif == nil { meta.exif = Array(data) }
            case "tEXt", "zTXt", "iTXt":
                if let entry = try PNGText.decode(type: type, ArraySlice(data), name: name) {
                    if entry.key == "XML:com.adobe.xmp" {
                        if meta.xmp == nil { meta.xmp = Array(entry.value.utf8) }
                    } else {
                        meta.text.append(entry)
                    }
                }
            default: break
            }
            if type == "IEND" { break }
            at += 12 + length
        }
    }

    private static func webp(_ b: UnsafeRawBufferPointer, name: String, into meta: inout EmbeddedMetadata) throws(ProvenanceError)
    {
        func le(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24 }
        var at = 12
        while at + 8 <= b.count {
            let type = String(decoding: b[at..<(at + 4)], as: UTF8.self)
            let size = le(at + 4)
            guard size <= b.count - at - 8 else {
                throw ProvenanceError(.truncated, "\(name): WebP chunk at \(at) runs past the end of the file")
            }
            let data = Array(b[(at + 8)..<(at + 8 + size)])
            switch type {
            case "C2PA": if meta.c2paStore == nil { meta.c2paStore = data }
            case "XMP ": if meta.xmp == nil { meta.xmp = data }
            case "EXIF":
                if meta.exif == nil { meta.exif = data.starts(with: Array("Exif\0\0".utf8)) ? Array(data.dropFirst(6)) : data }
            default: break
            }
            at += 8 + size + (size & 1)
        }
    }

    static let xmpUUID: [UInt8] = [
        0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac,
    ]

    /// The top-level `uuid` boxes: C2PA's (`manifest` purpose) and XMP's.
    private static func bmff(_ raw: UnsafeRawBufferPointer, name: String, into meta: inout EmbeddedMetadata)
        throws(ProvenanceError)
    {
        let b = raw
        do {
            var at = 0
            while let header = try BMFFTree.header(raw, at: at, name: name) {
                // An mdat that runs past the end is cut to it (c2pa-rs does the same).
                let size = header.type == "mdat" ? min(header.size, b.count - at) : header.size
                guard size >= header.headerLength, size <= b.count - at else {
                    throw ProvenanceError(.truncated, "\(name): BMFF box '\(header.type)' at \(at) runs past the end of the file")
                }
                let body = (at + header.headerLength)..<(at + size)
                if header.type == "uuid", body.count >= 16 {
                    let uuid = b[body.lowerBound..<(body.lowerBound + 16)]
                    if uuid.elementsEqual(BMFFTree.c2paUUID), body.count >= 20 {
                        // UUID, version and flags, a NUL-terminated purpose, and for "manifest" a u64 offset.
                        let purposeStart = body.lowerBound + 20
                        if let nul = b[purposeStart..<body.upperBound].firstIndex(of: 0) {
                            let purpose = String(decoding: b[purposeStart..<nul], as: UTF8.self)
                            let dataStart = nul + 1 + (purpose == "manifest" ? 8 : 0)
                            if purpose == "manifest", dataStart <= body.upperBound, meta.c2paStore == nil {
                                meta.c2paStore = Array(b[dataStart..<body.upperBound])
                            }
                        }
                    } else if uuid.elementsEqual(xmpUUID), meta.xmp == nil {
                        meta.xmp = Array(b[(body.lowerBound + 16)..<body.upperBound])
                    }
                }
                at += size
            }
        }
    }
}
