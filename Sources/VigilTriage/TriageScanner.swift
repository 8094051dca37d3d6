import Foundation
import Synchronization
import VigilCore
import VigilHashing
import VigilIndex
import VigilMedia
import VigilStore

/// How a scan hashes, matches and commits.
public struct ScanOptions: Sendable {
    public var hash: HashOptions
    public var archive: ArchiveLimits
    public var jobs: Int
    /// PDQ hashes below this quality are not matched.
    public var qualityFloor: Int
    /// Also read the open invisible watermarks (the `synthetic` signal) of image files on disk.
    public var watermarks: Bool
    /// Results are committed every `batchSize` files or `batchInterval` seconds, whichever is first.
    public var batchSize: Int
    public var batchInterval: Double

    public init(
        hash: HashOptions = HashOptions(), archive: ArchiveLimits = ArchiveLimits(), jobs: Int = 2,
        qualityFloor: Int = BankMatcher.defaultQualityFloor, watermarks: Bool = false, batchSize: Int = 256,
        batchInterval: Double = 1
    ) {
        self.hash = hash
        self.archive = archive
        self.jobs = max(1, jobs)
        self.qualityFloor = qualityFloor
        self.watermarks = watermarks
        self.batchSize = max(1, batchSize)
        self.batchInterval = batchInterval
    }
}

/// Progress of a scan: files on the command line's paths, and items recorded (members included).
public struct ScanCounts: Sendable, Equatable {
    /// Files found by the walk (archives count once).
    public var files = 0
    /// Files finished, skipped ones included.
    public var done = 0
    /// Files unchanged since an earlier run of the case, not hashed again.
    public var skipped = 0
    /// Items recorded by this run (archive members count one each).
    public var items = 0
    /// Bytes read by this run.
    public var bytes = 0
    public var byOutcome: [Outcome: Int] = [:]

    public init() {}
}

/// Runs a case scan: walks the paths, opens archives, hashes (MD5, SHA-1, SHA-256, PDQ), matches
/// every bank, reads the synthetic signal, and commits each file's results to the case. Files
/// run on `jobs` threads; results are committed in input order, in batches, while the workers
/// wait (back-pressure: nothing piles up beyond the files in flight). A re-run skips files whose
/// path, size and modification time are already recorded.
public final class TriageScanner: Sendable {
    public let store: CaseStore
    public let matcher: BankMatcher
    public let resolver: MatchResolver
    public let options: ScanOptions

    public init(store: CaseStore, matcher: BankMatcher, resolver: MatchResolver, options: ScanOptions) {
        self.store = store
        self.matcher = matcher
        self.resolver = resolver
        self.options = options
    }

    /// Scans `paths` into the case under `runID` (from `CaseStore.beginRun`). `progress` is called
    /// after each file, never concurrently.
    @discardableResult
    public func run(
        paths: [String], runID: Int64, progress: @escaping @Sendable (ScanCounts) -> Void = { _ in }
    ) throws(TriageError) -> ScanCounts {
        let entries = FileWalker().expand(paths)
        let done = try store.completedFiles()
        var initial = ScanCounts()
        initial.files = entries.count
        let state = EmitState(initial)
        let (store, options, scanner) = (self.store, self.options, self)
        OrderedBatch(jobs: options.jobs).run(
            count: entries.count,
            emit: { (_, work: ScanWork) in
                state.locked { s in
                    switch work {
                    case .skipped:
                        s.counts.skipped += 1
                    case .items(let items, let bytes):
                        s.pending += items
                        s.counts.items += items.count
                        s.counts.bytes += bytes
                        for item in items { s.counts.byOutcome[item.outcome, default: 0] += 1 }
                    }
                    s.counts.done += 1
                    let now = Date()
                    if s.failure == nil
                        && (s.pending.count >= options.batchSize
                            || now.timeIntervalSince(s.lastCommit) >= options.batchInterval)
                    {
                        do throws(TriageError) { try store.commit(s.pending, runID: runID) } catch { s.failure = error }
                        s.pending.removeAll(keepingCapacity: true)
                        s.lastCommit = now
                    }
                    progress(s.counts)
                }
            },
            makeWorker: {
                let worker = ItemWorker(scanner: scanner)
                return { (index: Int) -> ScanWork in worker.process(entries[index], done: done) }
            })
        return try state.locked { s throws(TriageError) in
            if let failure = s.failure { throw failure }
            try store.commit(s.pending, runID: runID)
            s.pending = []
            return s.counts
        }
    }

    /// The case record of one hashed file or member: matches resolved, outcome decided.
    func item(_ record: HashRecord, container: String?, size: Int, mtime: Int64) -> CaseItem {
        var item = CaseItem(path: record.path, container: container, size: size, mtime: mtime)
        item.format = record.format?.rawValue
        item.width = record.width
        item.height = record.height
        item.md5 = record.digests?.md5
        item.sha1 = record.digests?.sha1
        item.sha256 = record.digests?.sha256
        item.pdq = record.pdq?.hash.hex
        item.quality = record.pdq?.quality
        do throws(StoreError) {
            let resolved = try resolver.resolve(matcher.match(record.matchQuery, qualityFloor: options.qualityFloor))
            item.matches = resolved.map { r in
                ItemMatch(
                    bank: r.match.bank, entry: Int64(r.match.entry), kind: r.match.hash.kind.rawValue,
                    distance: r.match.distance, negative: r.match.negative, suppressed: r.match.suppressed,
                    label: r.label, category: r.category)
            }
        } catch {
            item.error = error.message
            item.errorCode = error.code.rawValue
            item.outcome = .error
            return item
        }
        if item.matches.contains(where: { !$0.negative && !$0.suppressed }) {
            item.outcome = .match
        } else if let code = record.errorCode {
            item.outcome = Self.notMediaCodes.contains(code) ? .other : .error
        } else {
            item.outcome = .media
        }
        if item.outcome == .error || (item.outcome == .match && record.error != nil) {
            item.error = record.error
            item.errorCode = record.errorCode
        }
        return item
    }

    /// Error codes that mean "not media Vigil decodes" rather than a damaged file.
    static let notMediaCodes: Set<String> = ["unknown_format", "unsupported_format", "empty"]
}

/// What a worker hands the committer for one walked entry.
enum ScanWork: Sendable {
    case skipped
    case items([CaseItem], bytes: Int)
}

/// One thread's hasher, watermark reader and scratch buffers.
final class ItemWorker {
    let scanner: TriageScanner
    let hasher: FileHasher
    let watermark: FileWatermarkReader?

    init(scanner: TriageScanner) {
        self.scanner = scanner
        hasher = FileHasher(options: scanner.options.hash)
        watermark =
            scanner.options.watermarks ? FileWatermarkReader(options: WatermarkOptions(limits: scanner.options.hash.limits)) : nil
    }

    func process(_ entry: FileWalker.Entry, done: [String: FileStamp]) -> ScanWork {
        let path: String
        switch entry {
        case .failure(let failed, let reason):
            var item = CaseItem(path: failed, outcome: .error)
            item.error = reason
            item.errorCode = "unreadable"
            return .items([item], bytes: 0)
        case .file(let file):
            path = file
        }
        guard let stamp = FileProbe.stamp(path) else {
            var item = CaseItem(path: path, outcome: .error)
            item.error = "cannot stat the file"
            item.errorCode = "unreadable"
            return .items([item], bytes: 0)
        }
        if done[path] == stamp { return .skipped }
        if ArchiveReader.isArchive(FileProbe.head(path)) { return archive(path, stamp) }
        var item = scanner.item(hasher.hash(path: path), container: nil, size: stamp.size, mtime: stamp.mtime)
        if let watermark, item.outcome == .media || item.outcome == .match {
            let report = watermark.read(path: path).report
            item.signals = JSONValue.object([("synthetic", SyntheticSignal(watermarks: report).json)]).serialized
        }
        return .items([item], bytes: stamp.size)
    }

    /// The archive's own item first (it replaces an earlier run's members), then its members.
    private func archive(_ path: String, _ stamp: FileStamp) -> ScanWork {
        var items = [CaseItem(path: path, size: stamp.size, mtime: stamp.mtime, outcome: .archive)]
        items[0].format = MediaFormat.zip.rawValue
        var bytes = stamp.size
        do throws(TriageError) {
            try ArchiveReader.forEachMember(ofFile: path, limits: scanner.options.archive) { name, result in
                switch result {
                case .success(let data):
                    var record = HashRecord(path: name)
                    hasher.hashInline(bytes: data, into: &record)
                    items.append(scanner.item(record, container: path, size: data.count, mtime: stamp.mtime))
                    bytes += data.count
                case .failure(let error):
                    var item = CaseItem(path: name, container: path, mtime: stamp.mtime, outcome: .error)
                    item.error = error.message
                    item.errorCode = error.code.rawValue
                    items.append(item)
                }
            }
        } catch {
            items = [CaseItem(path: path, size: stamp.size, mtime: stamp.mtime, outcome: .error)]
            items[0].format = MediaFormat.zip.rawValue
            items[0].error = error.message
            items[0].errorCode = error.code.rawValue
        }
        return .items(items, bytes: bytes)
    }
}

/// The committer's state, shared by the worker threads' `emit` calls.
final class EmitState: Sendable {
    struct State {
        var counts: ScanCounts
        var pending: [CaseItem] = []
        var lastCommit = Date()
        var failure: TriageError?
    }

    private let state: Mutex<State>

    init(_ counts: ScanCounts) { state = Mutex(State(counts: counts)) }

    func locked<T, E: Error>(_ body: (inout State) throws(E) -> T) throws(E) -> T {
        try state.withLock { (s) throws(E) -> T in try body(&s) }
    }
}
