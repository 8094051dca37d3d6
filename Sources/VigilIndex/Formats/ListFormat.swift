/// The hash-list formats Vigil reads and writes. See `ListImporter` and `ListExporter` for what
/// each one holds.
public enum ListFormat: String, CaseIterable, Sendable {
    /// One hash per line; the kind follows from the length (or a `kind:` prefix).
    case text
    /// `hash,label` rows (RFC 4180), with an optional `hash,label` header.
    case csv
    /// The CSV of python-threatexchange / HMA: `signal_type,signal_str,collab,category,tags`.
    case hma
    /// Project VIC VICS JSON, v1.x (`odata.metadata`) and v2.0 (`@odata.context`).
    case vics
    /// NCMEC hash-sharing v2 XML (`<queryResult>` pages with images, videos and tombstones).
    case ncmec
    /// StopNCII hash records: a JSON array, a `{"hashRecords": [...]}` page, or JSON lines.
    case stopncii
    /// Videos, not hashes: vPDQ frame lists (the vpdq reference's text format, one video per file,
    /// or JSON lines with `vpdq` arrays). `BankImport` reads them into a bank's videos.
    case vpdq
}

/// One hash read from a list, with what the list says about it. Free-text fields are the
/// source's values verbatim.
public struct ImportedEntry: Sendable, Equatable {
    /// 1-based line where the entry's record starts.
    public var line: Int
    /// The hash. Nil only for a tombstone that names the deleted entry by `externalID` alone
    /// (NCMEC deletions carry no fingerprints).
    public var hash: HashValue?
    /// Free text: VICS series, HMA collaboration, NCMEC member name, CSV label.
    public var label: String?
    /// The source's category, verbatim: VICS "1", NCMEC "A1", HMA "POSITIVE_CLASS".
    public var category: String?
    /// The entry's id in the source list (VICS MediaID, NCMEC id).
    public var externalID: String?
    /// When the source says the entry was added or last changed, as ISO-8601 text.
    public var addedAt: String?
    public var tags: [String]
    /// A tombstone: remove this hash (or every hash of `externalID`) from the bank.
    public var deleted: Bool

    public init(
        line: Int, hash: HashValue?, label: String? = nil, category: String? = nil, externalID: String? = nil,
        addedAt: String? = nil, tags: [String] = [], deleted: Bool = false
    ) {
        self.line = line
        self.hash = hash
        self.label = label
        self.category = category
        self.externalID = externalID
        self.addedAt = addedAt
        self.tags = tags
        self.deleted = deleted
    }
}

/// A record that could not be imported. The message never contains hashes or labels from the
/// list, so problems can go to logs.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line where the bad record starts.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

/// One hash to write to a list.
public struct ExportEntry: Sendable, Equatable {
    public var hash: HashValue
    public var label: String?
    public var category: String?
    public var externalID: String?
    /// ISO-8601 text.
    public var addedAt: String?
    public var tags: [String]
    /// Only StopNCII can carry tombstones; the other formats skip deleted entries.
    public var deleted: Bool

    public init(
        hash: HashValue, label: String? = nil, category: String? = nil, externalID: String? = nil,
        addedAt: String? = nil, tags: [String] = [], deleted: Bool = false
    ) {
        self.hash = hash
        self.label = label
        self.category = category
        self.externalID = externalID
        self.addedAt = addedAt
        self.tags = tags
        self.deleted = deleted
    }

    /// The export form of an imported entry; nil for a tombstone without a hash.
    public init?(_ imported: ImportedEntry) {
        guard let hash = imported.hash else { return nil }
        self.init(
            hash: hash, label: imported.label, category: imported.category, externalID: imported.externalID,
            addedAt: imported.addedAt, tags: imported.tags, deleted: imported.deleted)
    }
}

/// What an export wrote: entries the format cannot hold (a kind it has no field for, or a
/// tombstone in a format without deletions) are skipped and counted.
public struct ExportSummary: Sendable, Equatable {
    public var written: Int
    public var skipped: Int

    public init(written: Int = 0, skipped: Int = 0) {
        self.written = written
        self.skipped = skipped
    }
}
