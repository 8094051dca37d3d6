/// `vics`: Project VIC VICS JSON. v1.x files start `{"odata.metadata": ".../1.3.xml#Cases"` and
/// v2.0 files `{"@odata.context": ".../2.0.xml/US/$metadata#Media"`; both hold a top-level
/// `value` array of Media objects or of Cases whose `Media` arrays hold them.
///
/// Each Media yields one entry per hash it has (MD5, SHA1), all with its line: `MediaID` →
/// externalID, `Category` → category (verbatim: US and DHS schemes differ), `Series` → label,
/// `DateUpdated` → addedAt, `Tags` (array or comma-separated string) → tags, plus the tags
/// `VictimIdentified` and `IsDistributed` when those flags are set. PhotoDNA is not a kind Vigil
/// matches: it is ignored, and a Media with nothing else is reported.
struct VICSReader: ChunkConsumer {
    static let mediaFlags = ["VictimIdentified", "IsDistributed"]

    private var scanner: JSONRecordScanner

    init(maxRecordBytes: Int) {
        scanner = JSONRecordScanner(
            recordPaths: [[.key("value"), .element], [.key("value"), .element, .key("Media"), .element]],
            maxRecordBytes: maxRecordBytes)
    }

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ sink: ImportSink) throws(IndexError) {
        try scanner.feed(chunk, record: { Self.read($0, line: $1, sink) }, problem: sink.problem)
    }

    mutating func finish(_ sink: ImportSink) throws(IndexError) {
        try scanner.finish()
        guard scanner.foundRecordArray else {
            throw IndexError(.malformed, "no VICS value array: the file is not VICS JSON")
        }
    }

    private static func read(_ bytes: [UInt8], line: Int, _ sink: ImportSink) {
        guard let media = JSONFields(json: bytes) else {
            sink.report(line, "record is not valid JSON")
            return
        }
        let hashes = [("MD5", HashKind.md5), ("SHA1", .sha1)].filter { media.has($0.0) }
        guard !hashes.isEmpty else {
            let photoDNA = media.has("PhotoDNA") ? " (PhotoDNA is not supported)" : ""
            sink.report(line, "media has no MD5 or SHA1\(photoDNA)")
            return
        }
        let tags = media.strings("Tags") + mediaFlags.filter { media.flag($0) }
        for (field, kind) in hashes {
            do {
                let hash = try HashText.parse(media.text(field) ?? "", kind: kind)
                sink.entry(
                    ImportedEntry(
                        line: line, hash: hash, label: media.text("Series"), category: media.text("Category"),
                        externalID: media.text("MediaID"), addedAt: media.text("DateUpdated"), tags: tags))
            } catch {
                sink.report(line, error.message)
            }
        }
    }
}

/// Writes VICS 2.0: the `@odata.context` header, then one Media per line in `value`, MediaID
/// being the entry's externalID (left out when it has none). Adjacent entries that differ only
/// in kind (an MD5 and a SHA1 of one file) share a Media. PDQ, SHA-256 and tombstones have no
/// VICS form and are skipped.
struct VICSWriter: ListWriter {
    static let context = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"

    private var pending: ExportEntry?
    private var md5: HashValue?
    private var sha1: HashValue?
    private var written = 0

    mutating func begin(_ sink: (String) -> Void) {
        sink("{\"@odata.context\":\(JSONText.quoted(Self.context)),\"value\":[")
    }

    mutating func add(_ entry: ExportEntry, _ sink: (String) -> Void) -> Bool {
        guard !entry.deleted, entry.hash.kind == .md5 || entry.hash.kind == .sha1 else { return false }
        if let pending, !sameMedia(pending, entry) || (entry.hash.kind == .md5 ? md5 : sha1) != nil {
            writePending(sink)
        }
        if pending == nil { pending = entry }
        if entry.hash.kind == .md5 { md5 = entry.hash } else { sha1 = entry.hash }
        return true
    }

    mutating func end(_ sink: (String) -> Void) {
        writePending(sink)
        sink(written == 0 ? "]}\n" : "\n]}\n")
    }

    private func sameMedia(_ a: ExportEntry, _ b: ExportEntry) -> Bool {
        a.externalID != nil && a.externalID == b.externalID && a.label == b.label && a.category == b.category
            && a.addedAt == b.addedAt && a.tags == b.tags
    }

    private mutating func writePending(_ sink: (String) -> Void) {
        guard let entry = pending else { return }
        var fields: [(String, String)] = []
        if let id = entry.externalID { fields.append(("MediaID", JSONText.numberOrString(id))) }
        if let category = entry.category { fields.append(("Category", JSONText.numberOrString(category))) }
        if let md5 { fields.append(("MD5", JSONText.quoted(md5.hex.uppercased()))) }
        if let sha1 { fields.append(("SHA1", JSONText.quoted(sha1.hex.uppercased()))) }
        if let series = entry.label { fields.append(("Series", JSONText.quoted(series))) }
        if let date = entry.addedAt { fields.append(("DateUpdated", JSONText.quoted(date))) }
        let tags = entry.tags.filter { !VICSReader.mediaFlags.contains($0) }
        if !tags.isEmpty { fields.append(("Tags", JSONText.quoted(tags.joined(separator: ",")))) }
        for flag in VICSReader.mediaFlags where entry.tags.contains(flag) { fields.append((flag, "true")) }
        sink((written == 0 ? "\n" : ",\n") + JSONText.object(fields))
        written += 1
        pending = nil
        md5 = nil
        sha1 = nil
    }
}
