/// Writes hash lists that `ListImporter` reads back to the same entries, as far as the format
/// holds them. Output goes to `sink` piece by piece (a header, then about a line per entry), so
/// a list of any size streams. `ncmec` is import-only.
///
/// - `text`: the hex, one per line (the kind is not written: 64-digit hashes read back as the
///   importer's `defaultKind`).
/// - `csv`: a `hash,label` header, then `hex,label` rows, quoted per RFC 4180 where needed.
/// - `hma`: the python-threatexchange header and rows (`pdq`, `video_md5`, `video_sha256`; it has
///   no SHA-1 type); tags are space-separated, so a tag with a space reads back as two.
/// - `vics`: see `VICSWriter`. `stopncii`: see `StopNCIIWriter`.
///
/// Tombstones go only to `stopncii`; elsewhere they are skipped, like kinds a format lacks.
public enum ListExporter {
    @discardableResult
    public static func write(
        _ format: ListFormat, entries: some Sequence<ExportEntry>, to sink: (String) -> Void
    ) throws(IndexError) -> ExportSummary {
        switch format {
        case .text: return write(TextWriter(), entries, sink)
        case .csv: return write(CSVWriter(), entries, sink)
        case .hma: return write(HMAWriter(), entries, sink)
        case .vics: return write(VICSWriter(), entries, sink)
        case .stopncii: return write(StopNCIIWriter(), entries, sink)
        case .ncmec: throw IndexError(.unsupported, "the ncmec format can be imported but not exported")
        case .vpdq: throw IndexError(.unsupported, "vpdq exports hold a bank's videos, not its hashes")
        }
    }

    private static func write(
        _ writer: some ListWriter, _ entries: some Sequence<ExportEntry>, _ sink: (String) -> Void
    ) -> ExportSummary {
        var writer = writer
        var summary = ExportSummary()
        writer.begin(sink)
        for entry in entries {
            if writer.add(entry, sink) { summary.written += 1 } else { summary.skipped += 1 }
        }
        writer.end(sink)
        return summary
    }
}

/// One format's writer: a header, the entries, a footer.
protocol ListWriter {
    mutating func begin(_ sink: (String) -> Void)
    /// Writes (or holds) `entry`; false if the format cannot hold it.
    mutating func add(_ entry: ExportEntry, _ sink: (String) -> Void) -> Bool
    mutating func end(_ sink: (String) -> Void)
}

private struct TextWriter: ListWriter {
    func begin(_ sink: (String) -> Void) {}

    func add(_ entry: ExportEntry, _ sink: (String) -> Void) -> Bool {
        guard !entry.deleted else { return false }
        sink(entry.hash.hex + "\n")
        return true
    }

    func end(_ sink: (String) -> Void) {}
}

private struct CSVWriter: ListWriter {
    func begin(_ sink: (String) -> Void) {
        sink("hash,label\n")
    }

    func add(_ entry: ExportEntry, _ sink: (String) -> Void) -> Bool {
        guard !entry.deleted else { return false }
        sink(entry.hash.hex + (entry.label.map { "," + CSVText.field($0) } ?? "") + "\n")
        return true
    }

    func end(_ sink: (String) -> Void) {}
}

private struct HMAWriter: ListWriter {
    func begin(_ sink: (String) -> Void) {
        sink(HMARows.columns.joined(separator: ",") + "\n")
    }

    func add(_ entry: ExportEntry, _ sink: (String) -> Void) -> Bool {
        guard !entry.deleted, let type = HMARows.kinds.first(where: { $0.value == entry.hash.kind })?.key else {
            return false
        }
        let row = [type, entry.hash.hex, entry.label ?? "", entry.category ?? "", entry.tags.joined(separator: " ")]
        sink(row.map(CSVText.field).joined(separator: ",") + "\n")
        return true
    }

    func end(_ sink: (String) -> Void) {}
}

public enum CSVText {
    /// `text` as a CSV field, quoted (RFC 4180) when it holds a comma, a quote or a line break.
    public static func field(_ text: String) -> String {
        let needsQuotes = text.utf8.contains {
            $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
        }
        guard needsQuotes else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}

public enum JSONText {
    /// `text` as a JSON string literal (RFC 8259 escapes; the one implementation in Vigil).
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A JSON number when `text` is a plain decimal integer, else a string.
    static func numberOrString(_ text: String) -> String {
        let isInteger =
            !text.isEmpty && text.count <= 18 && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
            && (text == "0" || text.first != "0")
        return isInteger ? text : quoted(text)
    }

    /// An object from already-encoded member values, in the given order.
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}
