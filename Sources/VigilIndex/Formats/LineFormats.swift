/// `text`: one hash per line, its kind from an optional `kind:` prefix or from its length.
/// Blank lines and lines starting with `#` are skipped.
struct TextReader: ChunkConsumer {
    let wide: HashKind
    private var lines: LineSplitter

    init(wide: HashKind, maxLineBytes: Int) {
        self.wide = wide
        lines = LineSplitter(maxLineBytes: maxLineBytes)
    }

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ sink: ImportSink) {
        let wide = wide
        lines.feed(chunk, line: { Self.read($0, $1, wide, sink) }, problem: sink.problem)
    }

    mutating func finish(_ sink: ImportSink) {
        let wide = wide
        lines.finish { Self.read($0, $1, wide, sink) }
    }

    private static func read(_ line: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ wide: HashKind, _ sink: ImportSink) {
        let field = HashText.trimmed(bytes)
        guard let first = field.first, first != UInt8(ascii: "#") else { return }
        do {
            sink.entry(ImportedEntry(line: line, hash: try HashText.parseInferringKind(field, wide: wide)))
        } catch {
            sink.report(line, error.message)
        }
    }
}

/// Runs a CSV row handler over the records of streamed bytes.
struct CSVRowReader<Handler: CSVRowHandler>: ChunkConsumer {
    private var records: CSVReader
    private var handler: Handler

    init(_ handler: Handler, maxRecordBytes: Int) {
        self.handler = handler
        records = CSVReader(maxRecordBytes: maxRecordBytes)
    }

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ sink: ImportSink) throws(IndexError) {
        var handler = self.handler
        defer { self.handler = handler }
        try records.feed(
            chunk,
            record: { (line, fields) throws(IndexError) in
                if !isBlank(fields) { try handler.read(line, fields, sink) }
            }, problem: sink.problem)
    }

    mutating func finish(_ sink: ImportSink) throws(IndexError) {
        var handler = self.handler
        defer { self.handler = handler }
        try records.finish(
            record: { (line, fields) throws(IndexError) in
                if !isBlank(fields) { try handler.read(line, fields, sink) }
            }, problem: sink.problem)
    }
}

/// Turns one CSV record (never a blank one) into entries or problems.
protocol CSVRowHandler {
    mutating func read(_ line: Int, _ fields: [String], _ sink: ImportSink) throws(IndexError)
}

/// `csv`: `hash,label` records, the label optional, under an optional `hash,label` header.
/// The hash's kind comes as in `text`.
struct CSVListRows: CSVRowHandler {
    let wide: HashKind
    private var seenRecord = false

    init(wide: HashKind) {
        self.wide = wide
    }

    mutating func read(_ line: Int, _ fields: [String], _ sink: ImportSink) {
        defer { seenRecord = true }
        if !seenRecord, fields[0].trimmingSpaces().lowercased() == "hash" { return }
        guard fields.count <= 2 else {
            sink.report(line, "expected hash,label (got \(fields.count) fields)")
            return
        }
        do {
            let hash = try HashText.parseInferringKind(fields[0], wide: wide)
            let label = fields.count == 2 && !fields[1].isEmpty ? fields[1] : nil
            sink.entry(ImportedEntry(line: line, hash: hash, label: label))
        } catch {
            sink.report(line, error.message)
        }
    }
}

/// `hma`: the CSV that python-threatexchange (the library under HMA) writes with
/// `threatexchange dataset -P --csv` (facebook/ThreatExchange,
/// python-threatexchange/threatexchange/cli/dataset_cmd.py, `_print_csv`): a header
/// `signal_type,signal_str,collab,category,tags`, then one signal per row; `category` is a
/// `SignalOpinionCategory` name (threatexchange/exchanges/fetch_state.py) and `tags` are
/// space-separated. Columns are found by the header's names; a file without a header is read in
/// that order. `collab` becomes the label. Of the signal types (threatexchange/signal_type/,
/// `get_name`), `pdq`, `video_md5` and `video_sha256` are imported; URL, text and other
/// non-media types are reported.
struct HMARows: CSVRowHandler {
    static let columns = ["signal_type", "signal_str", "collab", "category", "tags"]
    static let kinds: [String: HashKind] = ["pdq": .pdq, "video_md5": .md5, "video_sha256": .sha256]
    static let otherTypes: Set<String> = [
        "url", "url_md5", "raw_text", "trend_query", "pdq_ocr", "video_tmk_pdqf", "photodna",
    ]

    private var index: [String: Int] = Dictionary(uniqueKeysWithValues: zip(columns, columns.indices))
    private var seenRecord = false

    mutating func read(_ line: Int, _ fields: [String], _ sink: ImportSink) throws(IndexError) {
        defer { seenRecord = true }
        let names = fields.map { $0.trimmingSpaces().lowercased() }
        if !seenRecord, names.contains("signal_type") {
            index = [:]
            for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
            for required in Self.columns.prefix(2) where index[required] == nil {
                throw IndexError(.malformed, "line \(line): the HMA header has no \(required) column")
            }
            return
        }
        func column(_ name: String) -> String? {
            guard let i = index[name], i < fields.count, !fields[i].isEmpty else { return nil }
            return fields[i]
        }
        guard let type = column("signal_type")?.trimmingSpaces().lowercased() else {
            sink.report(line, "signal_type is empty")
            return
        }
        guard let kind = Self.kinds[type] else {
            sink.report(
                line,
                Self.otherTypes.contains(type)
                    ? "signal type \(type) is not a media hash Vigil matches" : "unknown signal type")
            return
        }
        do {
            let hash = try HashText.parse(column("signal_str") ?? "", kind: kind)
            let tags = (column("tags") ?? "").split(separator: " ").map(String.init)
            sink.entry(
                ImportedEntry(
                    line: line, hash: hash, label: column("collab"), category: column("category"),
                    tags: tags))
        } catch {
            sink.report(line, error.message)
        }
    }
}

/// True for a record of nothing but spaces, which counts as a blank line.
private func isBlank(_ fields: [String]) -> Bool {
    fields.allSatisfy { $0.trimmingSpaces().isEmpty }
}

extension String {
    /// Without leading and trailing spaces, tabs, CR and LF.
    func trimmingSpaces() -> String {
        var text = self
        return text.withUTF8 { String(decoding: HashText.trimmed($0), as: UTF8.self) }
    }
}
