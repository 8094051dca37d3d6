import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `ncmec`: one page of the NCMEC hash-sharing v2 entries API. The layout follows
/// python-threatexchange's client, which cites NCMEC's documentation (facebook/ThreatExchange,
/// python-threatexchange/threatexchange/exchanges/clients/ncmec/hash_api.py and tests/data.py):
/// `<queryResult>` holds `<images>` and `<videos>`, which hold `<image>`/`<video>` entries and
/// `<deletedImage>`/`<deletedVideo>` tombstones. An entry has `<member id="…">name`, `<id>`,
/// `<timestamp>`, `<classification>` (A1…) and `<fingerprints>` with `<md5>`, `<sha1>`, `<pdq>`,
/// `<pdna>` and video fingerprints; `<feedback>` is ignored.
///
/// Each MD5, SHA1 and PDQ fingerprint becomes an entry: id → externalID, classification →
/// category, timestamp → addedAt, member name → label, tags `image`/`video` and `member:<id>`.
/// PhotoDNA and video fingerprints are ignored; an entry with nothing else is reported.
/// Tombstones carry no fingerprints, so each becomes one `deleted` entry with no hash that
/// names the entry by externalID. Elements are matched by local name, whatever the namespace.
///
/// The XML goes through `XMLGuard` first: a DOCTYPE or ENTITY declaration (the way to entity
/// expansion bombs and external entities) or an encoding other than UTF-8 stops the import.
enum NCMECReader {
    static func read(_ input: ByteInput, maxTextBytes: Int, sink: ImportSink) throws(IndexError) {
        let stream = XMLGuard(input)
        let parser = XMLParser(stream: stream)
        let entries = NCMECEntryParser(sink: sink, maxTextBytes: maxTextBytes)
        parser.delegate = entries
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.externalEntityResolvingPolicy = .never
        let parsed = parser.parse()
        if let failure = stream.failure ?? entries.failure { throw failure }
        if !parsed {
            throw IndexError(.malformed, "line \(parser.lineNumber): the XML is not well-formed")
        }
        if !entries.sawRoot {
            throw IndexError(.malformed, "the input has no XML element: not an NCMEC entries page")
        }
    }
}

/// Turns parser events into entries, one NCMEC entry at a time.
private final class NCMECEntryParser: NSObject, XMLParserDelegate {
    static let entryKinds: [String: (kind: String, deleted: Bool)] = [
        "image": ("image", false), "video": ("video", false), "deletedImage": ("image", true),
        "deletedVideo": ("video", true),
    ]
    static let sections: Set<String> = ["images", "videos"]
    static let fingerprintKinds: [String: HashKind] = ["md5": .md5, "sha1": .sha1, "pdq": .pdq]
    static let fields: Set<String> = ["member", "id", "timestamp", "classification"]

    private struct Entry {
        let line: Int
        let kind: String
        let deleted: Bool
        let depth: Int
        var values: [String: String] = [:]
        var memberID: String?
        var fingerprints: [(kind: HashKind, value: String?, line: Int)] = []
    }

    private let sink: ImportSink
    private let maxTextBytes: Int
    private(set) var failure: IndexError?
    private(set) var sawRoot = false
    private var path: [String] = []
    private var entry: Entry?
    /// The text of the field or fingerprint being read, which is open at depth `textDepth`.
    private var text: [UInt8]?
    private var textDepth = 0
    private var textTooLong = false
    private var textLine = 0

    init(sink: ImportSink, maxTextBytes: Int) {
        self.sink = sink
        self.maxTextBytes = maxTextBytes
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        path.append(name)
        guard failure == nil else { return }
        if path.count == 1 { sawRoot = true }
        if path.count == 1, name != "queryResult" {
            fail(parser, "line \(parser.lineNumber): the root element is not queryResult: not an NCMEC entries page")
        } else if entry == nil, let kind = Self.entryKinds[name], path.count >= 2,
            Self.sections.contains(path[path.count - 2])
        {
            entry = Entry(line: parser.lineNumber, kind: kind.kind, deleted: kind.deleted, depth: path.count)
        } else if let entry {
            let level = path.count - entry.depth
            let isField = level == 1 && Self.fields.contains(name)
            let isFingerprint = level == 2 && path[path.count - 2] == "fingerprints"
            if isField || isFingerprint {
                text = []
                textTooLong = false
                textLine = parser.lineNumber
                textDepth = path.count
            }
            if isField && name == "member" { self.entry?.memberID = attributes["id"] }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        append(string.utf8)
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        append(block)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        defer { path.removeLast() }
        guard failure == nil, let current = entry else { return }
        if path.count == current.depth {
            emit(current)
            entry = nil
            return
        }
        guard path.count == textDepth, let captured = text else { return }
        text = nil
        let value = textTooLong ? nil : String(decoding: captured, as: UTF8.self).trimmingSpaces()
        if path.count - current.depth == 1 {
            guard let value else { return sink.report(textLine, "\(name) is longer than \(maxTextBytes) bytes") }
            entry?.values[name] = value
        } else if let kind = Self.fingerprintKinds[name.lowercased()] {
            entry?.fingerprints.append((kind, value, textLine))
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred error: any Error) {
        guard failure == nil else { return }
        fail(parser, "line \(parser.lineNumber): the XML is not well-formed (error \((error as NSError).code))")
    }

    private func fail(_ parser: XMLParser, _ message: String) {
        failure = IndexError(.malformed, message)
        parser.abortParsing()
    }

    private func append(_ bytes: some Collection<UInt8>) {
        guard let count = text?.count, !textTooLong else { return }
        if count + bytes.count > maxTextBytes {
            textTooLong = true
            text = []
        } else {
            text?.append(contentsOf: bytes)
        }
    }

    private func emit(_ entry: Entry) {
        let tags = [entry.kind] + (entry.memberID.map { ["member:\($0)"] } ?? [])
        let values = entry.values
        func make(_ hash: HashValue?) -> ImportedEntry {
            ImportedEntry(
                line: entry.line, hash: hash, label: values["member"], category: values["classification"],
                externalID: values["id"], addedAt: values["timestamp"], tags: tags, deleted: entry.deleted)
        }
        if entry.deleted && entry.fingerprints.isEmpty {
            guard values["id"] != nil else {
                sink.report(entry.line, "tombstone has no id")
                return
            }
            sink.entry(make(nil))
            return
        }
        guard !entry.fingerprints.isEmpty else {
            sink.report(
                entry.line,
                "entry has no MD5, SHA1 or PDQ fingerprint (PhotoDNA and video fingerprints are not supported)")
            return
        }
        for fingerprint in entry.fingerprints {
            guard let value = fingerprint.value else {
                sink.report(
                    fingerprint.line, "\(fingerprint.kind.displayName) fingerprint is longer than \(maxTextBytes) bytes"
                )
                continue
            }
            do {
                sink.entry(make(try HashText.parse(value, kind: fingerprint.kind)))
            } catch {
                sink.report(fingerprint.line, error.message)
            }
        }
    }
}

/// Feeds the XML parser while refusing what could make it expand entities or read other
/// files: any `<!DOCTYPE` or `<!ENTITY` (so no DTD reaches libxml2), a NUL byte (UTF-16 and
/// UTF-32, which the byte scan could not see through) and an XML declaration naming an encoding
/// other than UTF-8 or ASCII. Every byte is checked before the parser gets it.
private final class XMLGuard: InputStream {
    private let input: ByteInput
    /// Why reading stopped early: an I/O failure or a refused document.
    private(set) var failure: IndexError?
    private var status = Stream.Status.notOpen
    private var line = 1
    /// Upper-cased letters after `<!`, nil when not inside such a markup start.
    private var declaration: [UInt8]?
    private var afterLessThan = false
    /// The document's first bytes, until the XML declaration's encoding has been checked.
    private var head: [UInt8]? = []

    init(_ input: ByteInput) {
        self.input = input
        super.init(data: Data())
    }

    override func open() { status = .open }
    override func close() { status = .closed }
    override var streamStatus: Stream.Status { status }
    override var streamError: (any Error)? { failure }
    override var hasBytesAvailable: Bool { status == .open }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength: Int) -> Int {
        guard failure == nil else { return -1 }
        do {
            let count = try input.read(UnsafeMutableRawBufferPointer(start: buffer, count: maxLength))
            let bytes = UnsafeBufferPointer(start: buffer, count: count)
            try checkHead(bytes, atEnd: count == 0)
            try scan(bytes)
            if count == 0 { status = .atEnd }
            return count
        } catch {
            failure = error
            status = .error
            return -1
        }
    }

    private func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(IndexError) {
        for byte in bytes {
            switch byte {
            case 0: throw IndexError(.unsupported, "line \(line): the XML has a NUL byte; only UTF-8 XML is read")
            case 0x0A: line += 1
            default: break
            }
            if var name = declaration {
                if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20), name.count < 7 {
                    name.append(byte & ~0x20)
                    if name == Array("DOCTYPE".utf8) || name == Array("ENTITY".utf8) {
                        throw IndexError(
                            .unsupported,
                            "line \(line): the XML has a DOCTYPE or ENTITY declaration, which is refused "
                                + "(entity expansion and external entities)")
                    }
                    declaration = name
                    continue
                }
                declaration = nil
            }
            if afterLessThan && byte == UInt8(ascii: "!") {
                declaration = []
            }
            afterLessThan = byte == UInt8(ascii: "<")
        }
    }

    /// Refuses a document that does not start like UTF-8 XML (after an optional BOM: `<` or
    /// whitespace, which also rules out the EBCDIC libxml2 would detect), and an XML declaration
    /// naming an encoding other than UTF-8 or ASCII. Holds the first bytes until it can tell.
    private func checkHead(_ bytes: UnsafeBufferPointer<UInt8>, atEnd: Bool) throws(IndexError) {
        guard var head else { return }
        head.append(contentsOf: bytes)
        let opening = Array("<?xml".utf8)
        let body = head.starts(with: utf8BOM) ? head.dropFirst(utf8BOM.count) : head[...]
        let maybeBOM = head.count < utf8BOM.count && utf8BOM.starts(with: head)
        let maybeDeclaration = body.count < opening.count && opening.starts(with: body)
        if !atEnd && (maybeBOM || maybeDeclaration) {
            self.head = head
            return
        }
        if let first = body.first, first != UInt8(ascii: "<") && !HashText.isSpace(first) {
            throw IndexError(.unsupported, "line 1: the input does not start like UTF-8 XML; only UTF-8 XML is read")
        }
        guard body.starts(with: opening) else {
            self.head = nil
            return
        }
        guard let end = body.firstRange(of: Array("?>".utf8))?.lowerBound else {
            if body.count > 1024 || atEnd { throw IndexError(.malformed, "line 1: the XML declaration is not closed") }
            self.head = head
            return
        }
        self.head = nil
        let declaration = String(decoding: body[..<end], as: UTF8.self)
        guard let encodingKey = declaration.firstRange(of: "encoding") else { return }
        let value = declaration[encodingKey.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            .prefix { $0 != "\"" && $0 != "'" && $0 != " " }.lowercased()
        guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(value) else {
            throw IndexError(
                .unsupported, "line 1: the XML declares an encoding other than UTF-8; only UTF-8 XML is read")
        }
    }
}
