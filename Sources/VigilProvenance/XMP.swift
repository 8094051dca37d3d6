/// The XMP properties Vigil reads: IPTC's `DigitalSourceType`, and the creator tool.
public struct XMPInfo: Sendable, Equatable {
    /// `Iptc4xmpExt:DigitalSourceType` URIs.
    public var digitalSourceTypes: [String] = []
    /// `xmp:CreatorTool` (a weak hint).
    public var creatorTool: String?
    /// Every simple property seen, as `namespace-URI + local name` → value (first wins).
    public var properties: [String: String] = [:]

    public init() {}
}

public enum XMPNamespace {
    public static let iptcExt = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    public static let xmp = "http://ns.adobe.com/xap/1.0/"
    public static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
}

/// A small XML reader for XMP packets. It refuses DOCTYPE and entity declarations outright (no
/// billion laughs, no external entities), expands only the five predefined entities and numeric
/// references, and limits size, nesting and element count.
public struct XMPParser {
    public static let maxBytes = 4 << 20
    public static let maxDepth = 64
    public static let maxElements = 200_000

    public static func parse(_ bytes: [UInt8], name: String) throws(ProvenanceError) -> XMPInfo {
        guard bytes.count <= maxBytes else {
            throw ProvenanceError(.limitExceeded, "\(name): XMP packet larger than \(maxBytes) bytes")
        }
        var parser = XMPParser(b: bytes, name: name)
        try parser.run()
        var info = XMPInfo()
        info.properties = parser.properties
        info.digitalSourceTypes = parser.values(XMPNamespace.iptcExt + "DigitalSourceType")
        info.creatorTool = parser.properties[XMPNamespace.xmp + "CreatorTool"]
        return info
    }

    private let b: [UInt8]
    private let name: String
    private var at = 0
    /// In-scope prefix → namespace maps, one per open element.
    private var scopes: [[String: String]] = []
    /// Open elements' expanded names, and the text collected in the innermost one.
    private var stack: [String] = []
    private var text: [UInt8] = []
    private var properties: [String: String] = [:]
    private var all: [(String, String)] = []
    private var elements = 0

    private init(b: [UInt8], name: String) {
        self.b = b
        self.name = name
    }

    private func values(_ key: String) -> [String] { all.filter { $0.0 == key }.map(\.1) }

    private func fail(_ code: ProvenanceError.Code = .malformed, _ what: String) -> ProvenanceError {
        ProvenanceError(code, "\(name): XMP \(what) at offset \(at)")
    }

    private func starts(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return b.count - at >= u.count && Array(b[at..<(at + u.count)]) == u
    }

    private mutating func skip(past s: String) throws(ProvenanceError) {
        let u = Array(s.utf8)
        while at + u.count <= b.count {
            if b[at] == u[0] && Array(b[at..<(at + u.count)]) == u {
                at += u.count
                return
            }
            at += 1
        }
        throw fail(.truncated, "unterminated markup")
    }

    private mutating func record(_ key: String, _ raw: [UInt8]) throws(ProvenanceError) {
        let value = try Self.unescape(raw, fail: fail(.malformed, "bad character reference"))
            .trimmedXMLSpace()
        guard !value.isEmpty else { return }
        all.append((key, value))
        if properties[key] == nil { properties[key] = value }
    }

    private mutating func run() throws(ProvenanceError) {
        while at < b.count {
            if b[at] != UInt8(ascii: "<") {
                text.append(b[at])
                at += 1
                continue
            }
            if starts("<?") {
                try skip(past: "?>")
            } else if starts("<!--") {
                try skip(past: "-->")
            } else if starts("<![CDATA[") {
                let start = at + 9
                try skip(past: "]]>")
                text += b[start..<(at - 3)]
            } else if starts("<!") {
                throw fail(.unsupported, "DOCTYPE or entity declaration (refused)")
            } else if starts("</") {
                at += 2
                let close = try nameToken()
                try spaces()
                guard at < b.count, b[at] == UInt8(ascii: ">") else { throw fail(.malformed, "bad end tag") }
                at += 1
                guard let open = stack.popLast() else { throw fail(.malformed, "end tag without start") }
                let scope = scopes.popLast() ?? [:]
                _ = close
                _ = scope
                if !text.isEmpty { try record(open, text) }
                text = []
            } else {
                try startTag()
            }
        }
        guard stack.isEmpty else { throw fail(.truncated, "unclosed element") }
    }

    private mutating func spaces() throws(ProvenanceError) {
        while at < b.count, [0x20, 0x09, 0x0a, 0x0d].contains(b[at]) { at += 1 }
    }

    private mutating func nameToken() throws(ProvenanceError) -> String {
        let start = at
        while at < b.count, !([0x20, 0x09, 0x0a, 0x0d, 0x3e, 0x2f, 0x3d].contains(b[at])) { at += 1 }
        guard at > start else { throw fail(.malformed, "expected a name") }
        return String(decoding: b[start..<at], as: UTF8.self)
    }

    private func expand(_ qname: String, scope: [String: String], isAttribute: Bool) -> String {
        let parts = qname.split(separator: ":", maxSplits: 1)
        if parts.count == 2 { return (scope[String(parts[0])] ?? String(parts[0]) + ":") + parts[1] }
        return isAttribute ? qname : (scope[""] ?? "") + qname
    }

    private mutating func startTag() throws(ProvenanceError) {
        at += 1
        elements += 1
        guard elements <= Self.maxElements else { throw fail(.limitExceeded, "more than \(Self.maxElements) elements") }
        guard stack.count < Self.maxDepth else { throw fail(.limitExceeded, "nesting deeper than \(Self.maxDepth)") }
        let qname = try nameToken()
        var attributes: [(String, [UInt8])] = []
        var scope = scopes.last ?? [:]
        while true {
            try spaces()
            guard at < b.count else { throw fail(.truncated, "unterminated start tag") }
            if b[at] == UInt8(ascii: ">") || starts("/>") { break }
            let key = try nameToken()
            try spaces()
            guard at < b.count, b[at] == UInt8(ascii: "=") else { throw fail(.malformed, "attribute without value") }
            at += 1
            try spaces()
            guard at < b.count, b[at] == UInt8(ascii: "\"") || b[at] == UInt8(ascii: "'") else {
                throw fail(.malformed, "unquoted attribute")
            }
            let quote = b[at]
            at += 1
            let start = at
            while at < b.count, b[at] != quote { at += 1 }
            guard at < b.count else { throw fail(.truncated, "unterminated attribute") }
            let value = Array(b[start..<at])
            at += 1
            if key == "xmlns" {
                scope[""] = String(decoding: value, as: UTF8.self)
            } else if key.hasPrefix("xmlns:") {
                scope[String(key.dropFirst(6))] = String(decoding: value, as: UTF8.self)
            } else {
                attributes.append((key, value))
            }
        }
        let element = expand(qname, scope: scope, isAttribute: false)
        for (key, value) in attributes {
            let expanded = expand(key, scope: scope, isAttribute: true)
            if expanded.hasPrefix(XMPNamespace.rdf) { continue }
            try record(expanded, value)
        }
        text = []
        if starts("/>") {
            at += 2
            return
        }
        at += 1
        // A property whose value is an rdf:li keeps the property's name (Bag/Seq/Alt items).
        let key = element == XMPNamespace.rdf + "li" ? (stack.last { !$0.hasPrefix(XMPNamespace.rdf) } ?? element) : element
        stack.append(key)
        scopes.append(scope)
    }

    static func unescape(_ raw: [UInt8], fail: @autoclosure () -> ProvenanceError) throws(ProvenanceError) -> String {
        let s = String(decoding: raw, as: UTF8.self)
        guard s.contains("&") else { return s }
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else { throw fail() }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                var code: UInt32?
                if entity.hasPrefix("#x") {
                    code = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    code = UInt32(entity.dropFirst())
                }
                guard let code, let scalar = Unicode.Scalar(code) else { throw fail() }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

extension String {
    func trimmedXMLSpace() -> String {
        let chars: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s.removeFirst() }
        while let l = s.last, chars.contains(l) { s.removeLast() }
        return String(s)
    }
}
