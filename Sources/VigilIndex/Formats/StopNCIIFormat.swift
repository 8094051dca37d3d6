import Foundation

/// `stopncii`: StopNCII hash records as the FetchHashes API returns them (facebook/ThreatExchange,
/// python-threatexchange/threatexchange/exchanges/clients/stopncii/api.py, `StopNCIIHashRecord`):
/// `signalType`, `hashValue`, `hashStatus`, `caseNumbers` (case id → status), `lastModtimestamp`
/// (Unix seconds). A file may be a JSON array of records, an API page (`{"count": …,
/// "hashRecords": [...]}`) or an array of pages, or JSON lines of records or pages.
///
/// `ImagePDQ` is PDQ; `VideoMD5` (and `ImageMD5`) MD5; VideoTMK, Text and URL are reported.
/// `hashStatus` Withdrawn or Deleted makes a tombstone, as python-threatexchange intends
/// (threatexchange/exchanges/impl/stop_ncii_api.py). The case ids become tags, sorted;
/// `lastModtimestamp` becomes addedAt (ISO-8601, UTC).
///
/// A file whose first line is a complete object is read as JSON lines, one record (or page) per
/// line, so a broken line costs only itself; anything else is scanned as one JSON text.
struct StopNCIIReader: ChunkConsumer {
    static let kinds: [String: HashKind] = ["imagepdq": .pdq, "videomd5": .md5, "imagemd5": .md5]
    static let otherTypes = ["VideoTMK", "Text", "URL", "Unknown"]
    static let tombstoneStatuses: Set<String> = ["withdrawn", "deleted"]

    let maxRecordBytes: Int
    /// The input's start, held until it shows which reading applies.
    private var prefix: [UInt8]? = []
    private var lines: LineSplitter?
    private var document: JSONRecordScanner?

    init(maxRecordBytes: Int) {
        self.maxRecordBytes = maxRecordBytes
    }

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ sink: ImportSink) throws(IndexError) {
        guard prefix != nil else { return try pass(chunk, sink) }
        prefix?.append(contentsOf: chunk)
        if let start = prefix, let linesMode = Self.looksLikeJSONLines(start, limit: maxRecordBytes) {
            try begin(linesMode: linesMode, sink)
        }
    }

    mutating func finish(_ sink: ImportSink) throws(IndexError) {
        if let start = prefix {
            // Still undecided: the input is blank or one line that starts an object.
            try begin(linesMode: Self.looksLikeJSONLines(start, limit: maxRecordBytes) ?? true, sink)
        }
        lines?.finish { Self.readLine($0, $1, sink) }
        try document?.finish()
    }

    /// Picks the reading and passes it the held prefix.
    private mutating func begin(linesMode: Bool, _ sink: ImportSink) throws(IndexError) {
        if linesMode {
            lines = LineSplitter(maxLineBytes: maxRecordBytes)
        } else {
            document = JSONRecordScanner(
                recordPaths: [
                    [], [.element], [.key("hashRecords"), .element], [.element, .key("hashRecords"), .element],
                ], maxRecordBytes: maxRecordBytes)
        }
        let start = prefix ?? []
        prefix = nil
        try start.withUnsafeBufferPointer { (bytes) throws(IndexError) in try pass(bytes, sink) }
    }

    private mutating func pass(_ chunk: UnsafeBufferPointer<UInt8>, _ sink: ImportSink) throws(IndexError) {
        lines?.feed(chunk, line: { Self.readLine($0, $1, sink) }, problem: sink.problem)
        try document?.feed(
            chunk, record: { Self.readRecord(JSONFields(json: $0), line: $1, sink) }, problem: sink.problem)
    }

    /// True if the first non-blank line is a whole object, false if it is not or if it runs
    /// past `limit` bytes, nil while `prefix` does not tell.
    static func looksLikeJSONLines(_ prefix: [UInt8], limit: Int) -> Bool? {
        if prefix.count < utf8BOM.count && utf8BOM.starts(with: prefix) { return nil }
        var start = prefix.starts(with: utf8BOM) ? utf8BOM.count : 0
        while start < prefix.count, HashText.isSpace(prefix[start]) { start += 1 }
        guard start < prefix.count else { return prefix.count > limit ? false : nil }
        guard prefix[start] == UInt8(ascii: "{") else { return false }
        guard let newline = prefix[start...].firstIndex(of: 0x0A) else {
            return prefix.count - start > limit ? false : nil
        }
        return prefix[start..<newline].last { !HashText.isSpace($0) } == UInt8(ascii: "}")
    }

    private static func readLine(_ line: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ sink: ImportSink) {
        guard !HashText.trimmed(bytes).isEmpty else { return }
        let fields = JSONFields(json: Array(bytes))
        if let page = fields?.array("hashRecords") {
            for record in page { readRecord(JSONFields(record), line: line, sink) }
        } else {
            readRecord(fields, line: line, sink)
        }
    }

    private static func readRecord(_ record: JSONFields?, line: Int, _ sink: ImportSink) {
        guard let record else {
            sink.report(line, "record is not a valid JSON object")
            return
        }
        guard let type = record.text("signalType") else {
            sink.report(line, "record has no signalType")
            return
        }
        guard let kind = kinds[type.lowercased()] else {
            let known = otherTypes.first { $0.lowercased() == type.lowercased() }
            sink.report(line, known.map { "signalType \($0) is not a hash kind Vigil matches" } ?? "unknown signalType")
            return
        }
        let status = record.text("hashStatus")?.lowercased()
        do {
            let hash = try HashText.parse(record.text("hashValue") ?? "", kind: kind)
            let addedAt = record.text("lastModtimestamp").flatMap(Double.init).map {
                Date(timeIntervalSince1970: $0).ISO8601Format()
            }
            sink.entry(
                ImportedEntry(
                    line: line, hash: hash, addedAt: addedAt, tags: record.names("caseNumbers").sorted(),
                    deleted: status.map(tombstoneStatuses.contains) ?? false))
        } catch {
            sink.report(line, error.message)
        }
    }
}

/// Writes StopNCII records as a JSON array, one record per line: `signalType` (ImagePDQ, or
/// VideoMD5, the API's only MD5 type), `hashValue`, `hashStatus` (Active, or Deleted for a
/// tombstone), `caseNumbers` from the tags, `lastModtimestamp` from addedAt when it is ISO-8601.
/// SHA-1 and SHA-256 have no StopNCII type and are skipped.
struct StopNCIIWriter: ListWriter {
    private var written = 0

    mutating func begin(_ sink: (String) -> Void) {
        sink("[")
    }

    mutating func add(_ entry: ExportEntry, _ sink: (String) -> Void) -> Bool {
        let type: String
        switch entry.hash.kind {
        case .pdq: type = "ImagePDQ"
        case .md5: type = "VideoMD5"
        case .sha1, .sha256: return false
        }
        let status = entry.deleted ? "Deleted" : "Active"
        var fields = [
            ("signalType", JSONText.quoted(type)), ("hashValue", JSONText.quoted(entry.hash.hex)),
            ("hashStatus", JSONText.quoted(status)),
            ("caseNumbers", JSONText.object(entry.tags.map { ($0, JSONText.quoted(status)) })),
        ]
        if let addedAt = entry.addedAt, let date = try? Date(addedAt, strategy: .iso8601) {
            fields.append(("lastModtimestamp", String(Int64(date.timeIntervalSince1970.rounded(.down)))))
        }
        sink((written == 0 ? "\n" : ",\n") + JSONText.object(fields))
        written += 1
        return true
    }

    mutating func end(_ sink: (String) -> Void) {
        sink(written == 0 ? "]\n" : "\n]\n")
    }
}
