/// A JUMBF box (ISO/IEC 19566-5): a superbox (`jumb`) with its description and children, or a
/// content box. Ranges index the bytes the store was parsed from.
public struct JUMBFBox: Sendable {
    /// The four-character box type (`jumb`, `jumd`, `cbor`, `json`, `bidb`, ...).
    public var type: String
    /// The whole box, header included.
    public var range: Range<Int>
    /// The box's payload, after its header.
    public var payload: Range<Int>
    /// For a superbox: the 16-byte type UUID of its description.
    public var uuid: [UInt8] = []
    /// For a superbox: the label of its description.
    public var label: String?
    /// For a superbox: its content boxes, the description excluded.
    public var children: [JUMBFBox] = []

    public var isSuperbox: Bool { type == "jumb" }

    /// The four-character code the description's UUID starts with (`c2pa`, `c2ma`, `c2cl`, ...).
    public var uuidCode: String { String(decoding: uuid.prefix(4), as: UTF8.self) }

    /// The child superbox labelled `label`.
    public func child(_ label: String) -> JUMBFBox? { children.first { $0.isSuperbox && $0.label == label } }
}

public struct JUMBFLimits: Sendable {
    public var maxDepth = 32
    public var maxBoxes = 100_000
    public init() {}
}

/// Reads a JUMBF superbox tree; every length and nesting depth is checked before it is followed.
public struct JUMBFReader {
    private let bytes: [UInt8]
    private let limits: JUMBFLimits
    private var boxes = 0

    /// Parses `bytes` as exactly one `jumb` superbox (a C2PA manifest store).
    public static func parseStore(_ bytes: [UInt8], limits: JUMBFLimits = JUMBFLimits()) throws(ProvenanceError) -> JUMBFBox {
        var reader = JUMBFReader(bytes: bytes, limits: limits)
        let list = try reader.boxes(in: 0..<bytes.count, depth: 0)
        guard list.count == 1, let store = list.first, store.isSuperbox else {
            throw ProvenanceError(.malformed, "JUMBF: the manifest store is not a single superbox")
        }
        return store
    }

    private init(bytes: [UInt8], limits: JUMBFLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    private func be(_ at: Int, _ count: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<count { v = v << 8 | UInt64(bytes[at + i]) }
        return v
    }

    private mutating func boxes(in range: Range<Int>, depth: Int) throws(ProvenanceError) -> [JUMBFBox] {
        guard depth <= limits.maxDepth else {
            throw ProvenanceError(.limitExceeded, "JUMBF: boxes nested deeper than \(limits.maxDepth)")
        }
        var out: [JUMBFBox] = []
        var at = range.lowerBound
        while at < range.upperBound {
            boxes += 1
            guard boxes <= limits.maxBoxes else {
                throw ProvenanceError(.limitExceeded, "JUMBF: more than \(limits.maxBoxes) boxes")
            }
            guard range.upperBound - at >= 8 else { throw ProvenanceError(.truncated, "JUMBF: box header at \(at) cut off") }
            let lbox = be(at, 4)
            let type = String(decoding: bytes[at + 4..<at + 8], as: UTF8.self)
            var header = 8
            var size: UInt64
            switch lbox {
            case 0: size = UInt64(range.upperBound - at)
            case 1:
                guard range.upperBound - at >= 16 else { throw ProvenanceError(.truncated, "JUMBF: XLBox at \(at) cut off") }
                size = be(at + 8, 8)
                header = 16
            default: size = lbox
            }
            guard size >= UInt64(header), size <= UInt64(range.upperBound - at) else {
                throw ProvenanceError(
                    .truncated, "JUMBF: box '\(Self.printable(type))' at \(at) declares \(size) bytes past its parent's end")
            }
            let end = at + Int(size)
            var box = JUMBFBox(type: type, range: at..<end, payload: at + header..<end)
            if type == "jumb" { try describe(&box, depth: depth) }
            out.append(box)
            at = end
        }
        return out
    }

    /// Reads a superbox's `jumd` description and its children.
    private mutating func describe(_ box: inout JUMBFBox, depth: Int) throws(ProvenanceError) {
        let inner = try boxes(in: box.payload, depth: depth + 1)
        guard let jumd = inner.first, jumd.type == "jumd", jumd.payload.count >= 17 else {
            throw ProvenanceError(.malformed, "JUMBF: superbox at \(box.range.lowerBound) has no description box")
        }
        let p = jumd.payload
        box.uuid = Array(bytes[p.lowerBound..<p.lowerBound + 16])
        let toggles = bytes[p.lowerBound + 16]
        if toggles & 0x02 != 0 {
            let start = p.lowerBound + 17
            guard let nul = bytes[start..<p.upperBound].firstIndex(of: 0) else {
                throw ProvenanceError(.malformed, "JUMBF: description label at \(start) is not terminated")
            }
            box.label = String(decoding: bytes[start..<nul], as: UTF8.self)
        }
        box.children = Array(inner.dropFirst())
    }

    static func printable(_ type: String) -> String {
        type.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f } ? type : "?"
    }
}
