/// One box of an ISO BMFF file (HEIF/HEIC, MP4, MOV) as c2pa-rs's BMFF hashing sees it.
public struct BMFFBox: Sendable, Equatable {
    /// The four-character type, as text.
    public var type: String
    /// The file offset of the box header and the box's whole length.
    public var offset: Int
    public var size: Int
    /// FullBox version and flags, for the box types c2pa-rs reads them for.
    public var version: UInt8?
    public var flags: UInt32?
    /// Indices of the children in `BMFFTree.boxes`.
    public var children: [Int] = []
}

/// Limits checked while walking a BMFF file, so hostile input cannot exhaust stack or memory.
public struct BMFFLimits: Sendable {
    /// c2pa-rs refuses boxes nested deeper than 32.
    public var maxDepth = 32
    public var maxBoxes = 1_000_000
    public init() {}
}

/// The box tree of an ISO BMFF file: the boxes c2pa-rs descends into (`moov`, `trak`, `meta`, ...)
/// with their children, every other box as a leaf. Every declared size is checked against the
/// bytes before it is used; a 64-bit size, a size of 0 ("to the end of the file") and an `mdat`
/// that runs past the end (cut to the end, as c2pa-rs does) are understood.
public struct BMFFTree: Sendable {
    /// The extended type of C2PA's `uuid` box.
    static let c2paUUID: [UInt8] = [
        0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81,
    ]

    /// All boxes; the top-level ones are `top`.
    public private(set) var boxes: [BMFFBox] = []
    public private(set) var top: [Int] = []

    static let containers: Set<String> = [
        "moov", "trak", "mdia", "minf", "stbl", "moof", "traf", "edts", "udta", "dinf", "tref", "treg", "mvex",
        "mfra", "meta", "schi",
    ]
    /// ISO/IEC 14496-12:2022 FullBoxes (c2pa-rs's list).
    static let fullBoxes: Set<String> = [
        "pdin", "mvhd", "tkhd", "mdhd", "hdlr", "nmhd", "elng", "stsd", "stdp", "stts", "ctts", "cslg", "stss", "stsh",
        "elst", "dref", "stsz", "stz2", "stsc", "stco", "co64", "padb", "subs", "saiz", "saio", "mehd", "trex", "mfhd",
        "tfhd", "trun", "tfra", "mfro", "tfdt", "leva", "trep", "assp", "sbgp", "sgpd", "csgp", "cprt", "tsel", "kind",
        "meta", "xml ", "bxml", "iloc", "pitm", "ipro", "infe", "iinf", "iref", "ipma", "schm", "fiin", "fpar", "fecr",
        "gitn", "fire", "stri", "stsg", "stvi", "csch", "sidx", "ssix", "prft", "srpp", "vmhd", "smhd", "srat", "chnl",
        "dmix", "txtC", "mime", "uri ", "uriI", "hmhd", "sthd", "vvhd", "medc",
    ]

    /// A box header: type, header length (8 or 16) and declared size (0 → to the end of the file).
    struct Header {
        var type: String
        var headerLength: Int
        var size: Int
    }

    /// Reads the header at `at`; nil when fewer bytes remain than the header needs.
    static func header(_ b: UnsafeRawBufferPointer, at: Int, name: String) throws(ProvenanceError) -> Header? {
        guard at >= 0, b.count - at >= 8 else { return nil }
        let size32 = Int(be(b, at, 4))
        let type = String(decoding: UnsafeRawBufferPointer(rebasing: b[(at + 4)..<(at + 8)]), as: UTF8.self)
        if size32 == 1 {
            guard b.count - at >= 16 else { return nil }
            let large = be(b, at + 8, 8)
            guard large <= UInt64(Int.max) else {
                throw ProvenanceError(.truncated, "\(name): BMFF box '\(type)' at \(at) declares a 64-bit size past any file")
            }
            return Header(type: type, headerLength: 16, size: Int(large))
        }
        return Header(type: type, headerLength: 8, size: size32 == 0 ? b.count - at : size32)
    }

    static func be(_ b: UnsafeRawBufferPointer, _ at: Int, _ count: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<count { v = v << 8 | UInt64(b[at + i]) }
        return v
    }

    /// Walks `bytes`; `name` names the file in errors.
    public static func parse(_ bytes: UnsafeRawBufferPointer, name: String, limits: BMFFLimits = BMFFLimits())
        throws(ProvenanceError) -> BMFFTree
    {
        var tree = BMFFTree()
        tree.top = try tree.walk(bytes, range: 0..<bytes.count, depth: 1, name: name, limits: limits)
        return tree
    }

    private mutating func walk(
        _ b: UnsafeRawBufferPointer, range: Range<Int>, depth: Int, name: String, limits: BMFFLimits
    ) throws(ProvenanceError) -> [Int] {
        guard depth <= limits.maxDepth else {
            throw ProvenanceError(.limitExceeded, "\(name): BMFF boxes nested deeper than \(limits.maxDepth)")
        }
        var list: [Int] = []
        var at = range.lowerBound
        while at < range.upperBound {
            // Trailing bytes too short for a header end the list (c2pa-rs tolerates them too).
            guard let header = try Self.header(b, at: at, name: name) else { break }
            var size = header.size
            guard size >= header.headerLength else {
                throw ProvenanceError(.malformed, "\(name): BMFF box '\(header.type)' at \(at) is shorter than its header")
            }
            if size > range.upperBound - at {
                guard header.type == "mdat" else {
                    throw ProvenanceError(
                        .truncated, "\(name): BMFF box '\(header.type)' at \(at) runs past the end of its parent or the file")
                }
                size = range.upperBound - at
            }
            guard boxes.count < limits.maxBoxes else {
                throw ProvenanceError(.limitExceeded, "\(name): more than \(limits.maxBoxes) BMFF boxes")
            }
            var box = BMFFBox(type: header.type, offset: at, size: size)
            var body = at + header.headerLength
            let end = at + size
            func versionAndFlags() throws(ProvenanceError) {
                guard end - body >= 4 else {
                    throw ProvenanceError(.truncated, "\(name): BMFF full box '\(header.type)' at \(at) has no version and flags")
                }
                box.version = b[body]
                box.flags = UInt32(Self.be(b, body + 1, 3))
                body += 4
            }
            if header.type == "uuid" {
                guard end - body >= 16 else {
                    throw ProvenanceError(.truncated, "\(name): BMFF uuid box at \(at) has no UUID")
                }
                if Self.c2paUUID.elementsEqual(b[body..<(body + 16)]) {
                    body += 16
                    try versionAndFlags()
                }
            } else if Self.containers.contains(header.type) {
                // QuickTime writes `meta` without the FullBox header: its first child (`hdlr`) follows at once.
                let quickTimeMeta =
                    header.type == "meta" && end - body >= 8
                    && String(decoding: UnsafeRawBufferPointer(rebasing: b[(body + 4)..<(body + 8)]), as: UTF8.self) == "hdlr"
                if Self.fullBoxes.contains(header.type), !quickTimeMeta { try versionAndFlags() }
            } else if Self.fullBoxes.contains(header.type) {
                try versionAndFlags()
            }
            let index = boxes.count
            boxes.append(box)
            if Self.containers.contains(header.type) {
                let children = try walk(b, range: body..<end, depth: depth + 1, name: name, limits: limits)
                boxes[index].children = children
            }
            list.append(index)
            at = end
        }
        return list
    }

    /// The boxes an xpath-like path names (`/moov/trak[2]/mdia`): every box whose type matches
    /// each part, among the children of the previous part's matches; `[n]` (from 1) picks one.
    /// nil when the path is malformed (c2pa-rs then ignores the exclusion).
    public func fetch(_ xpath: String) -> [Int]? {
        var candidates = top
        var current: [Int] = []
        let parts = xpath.drop { $0 == "/" }.split(separator: "/", omittingEmptySubsequences: false)
        for part in parts {
            guard part.count >= 4 else { return nil }
            if candidates.isEmpty { return [] }
            if let bracket = part.firstIndex(of: "[") {
                let type = String(part[..<bracket])
                let digits = part[part.index(after: bracket)...]
                let trimmed = digits.hasSuffix("]") ? digits.dropLast() : digits
                guard type.count >= 4, let n = Int(trimmed), n > 0 else { return nil }
                let matches = candidates.filter { boxes[$0].type == type }
                guard n <= matches.count else { return [] }
                current = [matches[n - 1]]
                candidates = boxes[matches[n - 1]].children
            } else {
                current = candidates.filter { boxes[$0].type == part }
                candidates = current.flatMap { boxes[$0].children }
            }
        }
        return current
    }
}

/// The `c2pa.hash.bmff` hard binding (v2 and v3; v1 without the box offsets), checked the way
/// c2pa-rs checks it: the exclusions name boxes by path and may narrow them by length, version,
/// flags and data; `subset` ranges exclude parts of a box. Each top-level box that is not wholly
/// excluded contributes its file offset (u64 BE) to the hash before its bytes.
/// Merkle maps (fragmented or chunked media) are not verified.
enum BMFFHash {
    enum Piece: Equatable {
        case bytes(ClosedRange<Int>)
        /// A top-level box's offset, hashed as a u64 BE in place of a byte.
        case offset(UInt64)
    }

    /// What to hash, in order; nil when an exclusion's data check reads past the file.
    static func plan(_ exclusions: [CBOR], tree: BMFFTree, asset: UnsafeRawBufferPointer, withOffsets: Bool)
        -> [Piece]?
    {
        var excluded: [Range<Int>] = []
        var offsets = Set(tree.top.map { tree.boxes[$0].offset })
        for exclusion in exclusions {
            guard let xpath = exclusion["xpath"]?.string, let matches = tree.fetch(xpath) else { continue }
            for index in matches {
                let box = tree.boxes[index]
                if let length = exclusion["length"], length.int != box.size { continue }
                if let version = exclusion["version"]?.int, let boxVersion = box.version, version != Int(boxVersion) {
                    continue
                }
                if let flagBytes = exclusion["flags"]?.byteString, let boxFlags = box.flags {
                    let wanted =
                        flagBytes.count >= 3 ? UInt32(flagBytes[0]) << 16 | UInt32(flagBytes[1]) << 8 | UInt32(flagBytes[2]) : 0
                    if exclusion["exact"] != .bool(false) {
                        if wanted != boxFlags { continue }
                    } else if wanted | boxFlags != wanted {
                        continue
                    }
                }
                var matchesData = true
                for entry in exclusion["data"]?.arrayValue ?? [] {
                    guard let offset = entry["offset"]?.int, let value = entry["value"]?.byteString, offset >= 0,
                        offset <= asset.count - box.offset, value.count <= asset.count - box.offset - offset
                    else { return nil }
                    let start = box.offset + offset
                    if !value.elementsEqual(asset[start..<(start + value.count)]) {
                        matchesData = false
                        break
                    }
                }
                if !matchesData { continue }
                if let subsets = exclusion["subset"]?.arrayValue {
                    for subset in subsets {
                        guard let offset = subset["offset"]?.int, let length = subset["length"]?.int else { return nil }
                        if offset > box.size { continue }
                        let count = length == 0 ? box.size - offset : min(length, box.size - offset)
                        excluded.append((box.offset + offset)..<(box.offset + offset + count))
                    }
                } else {
                    excluded.append(box.offset..<(box.offset + box.size))
                    offsets.remove(box.offset)
                }
            }
        }
        // The included ranges: the file minus the exclusions.
        excluded.sort { $0.lowerBound < $1.lowerBound }
        var included: [ClosedRange<Int>] = []
        var at = 0
        for range in excluded where !range.isEmpty {
            if range.lowerBound > at { included.append(at...(range.lowerBound - 1)) }
            at = max(at, range.upperBound)
        }
        if at < asset.count { included.append(at...(asset.count - 1)) }
        guard withOffsets, !offsets.isEmpty else {
            return included.map { .bytes($0) }
        }
        // Split the included ranges at each top-level box offset and mark the offset there
        // (c2pa-rs's order, including offsets of boxes whose start a subset excluded).
        let starts = offsets.sorted()
        var ranges: [ClosedRange<Int>] = []
        for range in included {
            var current = range
            for offset in starts where current.contains(offset) {
                if current.lowerBound != offset {
                    ranges.append(current.lowerBound...(offset - 1))
                    current = offset...current.upperBound
                }
                ranges.append(offset...offset)
            }
            ranges.append(current)
        }
        let first = ranges.first?.lowerBound ?? 0
        let last = ranges.last?.upperBound ?? asset.count - 1
        for offset in starts where !ranges.contains(where: { $0.contains(offset) }) && offset > first && offset < last {
            ranges.append(offset...offset)
        }
        let ordered = ranges.enumerated().sorted { ($0.element.lowerBound, $0.offset) < ($1.element.lowerBound, $1.offset) }
        let marks = Set(starts)
        return ordered.map { _, range in
            range.count == 1 && marks.contains(range.lowerBound) ? .offset(UInt64(range.lowerBound)) : .bytes(range)
        }
    }
}
