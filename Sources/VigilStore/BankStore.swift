import Foundation
import Synchronization
import VigilHashing
import VigilIndex

/// A bank's metadata.
public struct BankRecord: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var source: String?
    /// The list's classification scheme value, e.g. a Project VIC category (0–4) or A1/A2/B1/B2.
    public var category: String?
    public var negative: Bool
    public var threshold: Int
    public var createdAt: String
    public var updatedAt: String
    /// Incremented on every change to the bank's entries; lets services refresh indexes.
    public var version: Int64

    public var profile: BankProfile { BankProfile(name: name, threshold: threshold, negative: negative, category: category) }
}

/// What a new bank is created with.
public struct NewBank: Sendable {
    public var name: String
    public var source: String?
    public var category: String?
    public var negative: Bool
    public var threshold: Int

    public init(
        name: String, source: String? = nil, category: String? = nil, negative: Bool = false,
        threshold: Int = BankProfile.defaultThreshold
    ) {
        self.name = name
        self.source = source
        self.category = category
        self.negative = negative
        self.threshold = threshold
    }
}

/// One entry of a bank.
public struct EntryRecord: Sendable, Hashable {
    public var id: Int64
    public var bankID: Int64
    public var hash: HashValue
    public var label: String?
    public var category: String?
    public var externalID: String?
    public var addedAt: String
    public var addedBy: String
}

/// An addition or a removal (tombstone) applied to a bank.
public struct EntryChange: Sendable {
    /// The hash added or removed; a removal may name only `externalID` (NCMEC deletions do).
    public var hash: HashValue?
    public var label: String?
    public var category: String?
    public var externalID: String?
    public var remove: Bool

    public init(hash: HashValue?, label: String? = nil, category: String? = nil, externalID: String? = nil, remove: Bool = false)
    {
        self.hash = hash
        self.label = label
        self.category = category
        self.externalID = externalID
        self.remove = remove
    }
}

/// Counts from applying a batch of changes.
public struct ChangeSummary: Sendable, Equatable {
    public var added = 0
    public var updated = 0
    public var removed = 0
    public var missingRemovals = 0
    public init() {}

    public static func + (a: ChangeSummary, b: ChangeSummary) -> ChangeSummary {
        var s = a
        s.added += b.added
        s.updated += b.updated
        s.removed += b.removed
        s.missingRemovals += b.missingRemovals
        return s
    }
}

/// Persistence of banks and their entries. Implementations must pass the same test suite.
public protocol BankStore: Sendable {
    func createBank(_ bank: NewBank) throws(StoreError) -> BankRecord
    func banks() throws(StoreError) -> [BankRecord]
    func bank(named name: String) throws(StoreError) -> BankRecord?
    func deleteBank(named name: String) throws(StoreError)
    /// Applies additions (an existing hash keeps its id and gets the new metadata) and removals
    /// (by hash, or by the source's id when a removal has no hash) in one transaction,
    /// attributing additions to `addedBy`. Changes that are neither are ignored.
    func apply(_ changes: [EntryChange], toBank bankID: Int64, addedBy: String) throws(StoreError) -> ChangeSummary
    /// Streams a bank's entries of the given kinds in id order.
    func forEachEntry(inBank bankID: Int64, kinds: Set<HashKind>, _ body: (EntryRecord) -> Void) throws(StoreError)
    func entries(ids: [Int64]) throws(StoreError) -> [Int64: EntryRecord]
    /// Up to `limit` entries of a bank with ids above `after`, in id order (for paging).
    func entries(inBank bankID: Int64, after: Int64, limit: Int) throws(StoreError) -> [EntryRecord]
    /// Entry counts by kind.
    func counts(inBank bankID: Int64) throws(StoreError) -> [HashKind: Int]
    /// Adds (or replaces, by name) and removes (by name) bank videos in one transaction; bumps
    /// the bank's version when anything changed.
    func applyVideos(_ changes: [VideoChange], toBank bankID: Int64, addedBy: String) throws(StoreError) -> ChangeSummary
    /// Streams a bank's videos in id order.
    func forEachVideo(inBank bankID: Int64, _ body: (VideoRecord) -> Void) throws(StoreError)
    /// The number of videos in a bank and of their frames.
    func videoCounts(inBank bankID: Int64) throws(StoreError) -> (videos: Int, frames: Int)
}

extension BankStore {
    /// Streams all of a bank's entries in id order.
    public func forEachEntry(inBank bankID: Int64, _ body: (EntryRecord) -> Void) throws(StoreError) {
        try forEachEntry(inBank: bankID, kinds: Set(HashKind.allCases), body)
    }

    /// Loads the named banks (all when `names` is empty) into a matcher. With `cacheDirectory`,
    /// each bank's PDQ index is kept there as a snapshot named by bank id and version, so later
    /// loads skip the database for PDQ entries (0.3 s per million instead of several seconds).
    /// A bank's videos go into one video index over all their frames (`VideoIndex`, built with
    /// `videoRule`), kept in `videoCache` by bank id and version when one is given.
    public func matcher(
        banks names: [String] = [], cacheDirectory: String? = nil, videoRule: VideoMatchRule = VideoMatchRule(),
        videoCache: VideoIndexCache? = nil
    ) throws(StoreError) -> BankMatcher {
        var matcher = BankMatcher()
        let all = try banks()
        for name in names where !all.contains(where: { $0.name == name }) {
            throw StoreError(.notFound, "no bank named \"\(name)\"")
        }
        for bank in all where names.isEmpty || names.contains(bank.name) {
            var digests: [(hash: HashValue, payload: UInt32)] = []
            try forEachEntry(inBank: bank.id, kinds: [.md5, .sha1, .sha256]) { digests.append(($0.hash, Self.payload($0.id))) }
            matcher.addBank(
                bank.profile, pdq: try pdqIndex(for: bank, cacheDirectory: cacheDirectory), digests: digests,
                videos: try videoIndex(for: bank, rule: videoRule, cache: videoCache))
        }
        return matcher
    }

    private func videoIndex(for bank: BankRecord, rule: VideoMatchRule, cache: VideoIndexCache?) throws(StoreError)
        -> VideoIndex?
    {
        if let cached = cache?.index(bank: bank.id, version: bank.version, rule: rule) { return cached }
        var videos: [BankVideo] = []
        try forEachVideo(inBank: bank.id) { v in
            videos.append(
                BankVideo(
                    id: v.name, features: v.features, md5: v.md5, label: v.label, category: v.category,
                    payload: Self.payload(v.id)))
        }
        let index = videos.isEmpty ? nil : VideoIndex(videos, rule: rule)
        cache?.keep(index, bank: bank.id, version: bank.version, rule: rule)
        return index
    }

    private func pdqIndex(for bank: BankRecord, cacheDirectory: String?) throws(StoreError) -> PDQIndex {
        let snapshot = cacheDirectory.map { "\($0)/bank-\(bank.id)-v\(bank.version).pdqidx" }
        if let snapshot, FileManager.default.fileExists(atPath: snapshot), let cached = try? PDQIndex(contentsOf: snapshot) {
            return cached
        }
        var hashes: [PDQHash] = [], payloads: [UInt32] = []
        try forEachEntry(inBank: bank.id, kinds: [.pdq]) { entry in
            if let pdq = entry.hash.pdq {
                hashes.append(pdq)
                payloads.append(Self.payload(entry.id))
            }
        }
        let index = PDQIndex(hashes: hashes, payloads: payloads)
        if let snapshot, let directory = cacheDirectory {
            // Older versions of this bank's snapshot are stale; a failed cache write only costs speed.
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            where name.hasPrefix("bank-\(bank.id)-v") && name.hasSuffix(".pdqidx") {
                try? FileManager.default.removeItem(atPath: directory + "/" + name)
            }
            try? index.write(to: snapshot)
        }
        return index
    }

    /// Entry ids are the matcher's payloads (ids stay below 2³², documented as the store's limit).
    static func payload(_ id: Int64) -> UInt32 { UInt32(truncatingIfNeeded: id) }
}

/// Video indexes by bank id, valid for one bank version and rule: a service rebuilding its
/// matcher after another bank changed reuses the video indexes of unchanged banks.
public final class VideoIndexCache: Sendable {
    private let state = Mutex<[Int64: (version: Int64, rule: VideoMatchRule, index: VideoIndex?)]>([:])

    public init() {}

    /// The cached index (possibly "no videos") when it was built for this version and rule.
    func index(bank: Int64, version: Int64, rule: VideoMatchRule) -> VideoIndex?? {
        state.withLock { cached in
            guard let entry = cached[bank], entry.version == version, entry.rule == rule else { return nil }
            return .some(entry.index)
        }
    }

    func keep(_ index: VideoIndex?, bank: Int64, version: Int64, rule: VideoMatchRule) {
        state.withLock { $0[bank] = (version, rule, index) }
    }
}

/// A bank's entries as a lazy sequence, fetched a page at a time so exports stream. A database
/// error ends the sequence early and is kept in `failure`.
public final class BankEntryPages: Sequence, IteratorProtocol {
    private let store: any BankStore
    private let bankID: Int64
    private var page: [EntryRecord] = []
    private var index = 0
    private var lastID: Int64 = 0
    private var exhausted = false
    public private(set) var failure: StoreError?

    public init(store: any BankStore, bankID: Int64) {
        self.store = store
        self.bankID = bankID
    }

    public func next() -> EntryRecord? {
        if index == page.count {
            guard !exhausted else { return nil }
            do throws(StoreError) {
                page = try store.entries(inBank: bankID, after: lastID, limit: 10_000)
            } catch {
                failure = error
                page = []
            }
            index = 0
            if page.isEmpty {
                exhausted = true
                return nil
            }
            lastID = page[page.count - 1].id
        }
        defer { index += 1 }
        return page[index]
    }
}

/// ISO-8601 UTC timestamps with seconds, as stored.
public enum Timestamp {
    public static func now() -> String { string(Date()) }

    /// `Date.ISO8601FormatStyle` is a value type: no formatter object (and its ICU setup) per call.
    public static func string(_ date: Date) -> String { date.formatted(.iso8601) }
}
