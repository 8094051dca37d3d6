/// What a scanned file turned out to be.
public enum Outcome: String, Sendable, CaseIterable, Codable {
    /// At least one positive bank match that no negative bank suppressed.
    case match
    /// A decoded image (or hashed media) with no match.
    case media
    /// Not media Vigil decodes (documents, executables, junk, video until vPDQ lands): digests only.
    case other
    /// Unreadable, corrupt, or over a limit.
    case error
    /// A ZIP archive; its members are items of their own.
    case archive
}

/// One bank match of an item, as recorded in the case.
public struct ItemMatch: Sendable, Equatable {
    public var bank: String
    public var entry: Int64
    public var kind: String
    public var distance: Int
    public var negative: Bool
    public var suppressed: Bool
    public var label: String?
    public var category: String?

    public init(
        bank: String, entry: Int64, kind: String, distance: Int, negative: Bool, suppressed: Bool, label: String?,
        category: String?
    ) {
        self.bank = bank
        self.entry = entry
        self.kind = kind
        self.distance = distance
        self.negative = negative
        self.suppressed = suppressed
        self.label = label
        self.category = category
    }
}

/// One file of a case (a file on disk, or a member of an archive) and its result.
public struct CaseItem: Sendable, Equatable {
    /// The file's path, or `archive!/member` for an archive member.
    public var path: String
    /// The file on disk holding an archive member; nil for files on disk.
    public var container: String?
    public var size: Int
    /// Modification time in nanoseconds since 1970 (of the container for archive members).
    public var mtime: Int64
    public var format: String?
    public var width: Int?
    public var height: Int?
    public var md5: String?
    public var sha1: String?
    public var sha256: String?
    public var pdq: String?
    public var quality: Int?
    public var outcome: Outcome
    public var error: String?
    public var errorCode: String?
    /// Further signals as a JSON object (`synthetic` today; C2PA, vPDQ and classifiers slot in).
    public var signals: String
    public var matches: [ItemMatch]

    public init(path: String, container: String? = nil, size: Int = 0, mtime: Int64 = 0, outcome: Outcome = .other) {
        self.path = path
        self.container = container
        self.size = size
        self.mtime = mtime
        self.outcome = outcome
        self.signals = "{}"
        self.matches = []
    }

    /// Pixels, for choosing a cluster's representative.
    public var pixels: Int { (width ?? 0) * (height ?? 0) }
}

/// A bank as a scan used it: the chain of custody of every match.
public struct RunBank: Sendable, Equatable {
    public var bank: String
    public var version: Int64
    public var pdqEntries: Int
    public var digestEntries: Int

    public init(bank: String, version: Int64, pdqEntries: Int, digestEntries: Int) {
        self.bank = bank
        self.version = version
        self.pdqEntries = pdqEntries
        self.digestEntries = digestEntries
    }
}

/// One invocation of `vigil scan` on a case.
public struct ScanRun: Sendable, Equatable {
    public var id: Int64
    public var startedAt: String
    public var toolVersion: String
    public var arguments: String
    public var banks: [RunBank]
}
