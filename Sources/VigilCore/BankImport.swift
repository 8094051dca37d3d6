import Foundation
import VigilIndex
import VigilStore

/// Streams a hash list into a bank, committing in batches so that an interrupted import keeps
/// what it had read. Shared by `vigil banks import` and `POST /v1/banks/{name}/import`.
public struct BankImport: Sendable {
    /// Where the list comes from.
    public enum Source {
        case path(String)
        case bytes([UInt8])
    }

    /// The outcome. `stopped` is set when the list could not be read to its end (the entries
    /// before it were committed).
    public struct Outcome: Sendable {
        public var summary = ChangeSummary()
        public var problems = 0
        /// The first rejected records (line and reason, never content).
        public var firstProblems: [ImportProblem] = []
        public var stopped: IndexError?
    }

    public var store: any BankStore
    public var bankID: Int64
    public var addedBy: String
    public var defaultKind: HashKind?
    public var batchSize = 50_000
    public var keptProblems = 100
    /// The name of a video read from bytes in the vpdq text format (a file keeps its own name).
    public var videoName = "upload"
    /// Videos per transaction of a `vpdq` import.
    public var videoBatchSize = 200

    public init(store: any BankStore, bankID: Int64, addedBy: String, defaultKind: HashKind? = nil) {
        self.store = store
        self.bankID = bankID
        self.addedBy = addedBy
        self.defaultKind = defaultKind
    }

    /// Imports `source`; `line` sees each entry's line, `problem` each rejected record.
    public func run(
        _ format: ListFormat, from source: Source, line: (Int) -> Void = { _ in },
        problem: (ImportProblem) -> Void = { _ in }
    ) throws(StoreError) -> Outcome {
        if format == .vpdq { return try runVideos(from: source, problem: problem) }
        var outcome = Outcome()
        var batch: [EntryChange] = []
        var failure: StoreError?
        func flush() {
            guard !batch.isEmpty, failure == nil else { return }
            do { outcome.summary = outcome.summary + (try store.apply(batch, toBank: bankID, addedBy: addedBy)) } catch {
                failure = error
            }
            batch.removeAll(keepingCapacity: true)
        }
        let onEntry = { (entry: ImportedEntry) in
            line(entry.line)
            batch.append(
                EntryChange(
                    hash: entry.hash, label: entry.label, category: entry.category, externalID: entry.externalID,
                    remove: entry.deleted))
            if batch.count >= batchSize { flush() }
        }
        let onProblem = { (p: ImportProblem) in
            outcome.problems += 1
            if outcome.firstProblems.count < keptProblems { outcome.firstProblems.append(p) }
            problem(p)
        }
        do {
            switch source {
            case .path(let path):
                try ListImporter.read(format, path: path, defaultKind: defaultKind, entry: onEntry, problem: onProblem)
            case .bytes(let bytes):
                try ListImporter.read(format, chunks: [bytes], defaultKind: defaultKind, entry: onEntry, problem: onProblem)
            }
        } catch {
            outcome.stopped = error
        }
        flush()
        if let failure { throw failure }
        return outcome
    }

    /// Imports videos (`ListFormat.vpdq`): one file in the vpdq text format, JSON lines with
    /// `vpdq` arrays, or (from a path) a directory of such files, each video named by its file.
    private func runVideos(from source: Source, problem: (ImportProblem) -> Void) throws(StoreError) -> Outcome {
        var outcome = Outcome()
        var batch: [VideoChange] = []
        func flush() throws(StoreError) {
            guard !batch.isEmpty else { return }
            outcome.summary = outcome.summary + (try store.applyVideos(batch, toBank: bankID, addedBy: addedBy))
            batch.removeAll(keepingCapacity: true)
        }
        func read(_ bytes: [UInt8], name: String, prefix: String) throws(StoreError) {
            var videos: [BankVideo] = []
            VideoBankFile.parse(bytes, name: name) {
                videos.append($0)
            } problem: { p in
                let p = ImportProblem(line: p.line, message: prefix + p.message)
                outcome.problems += 1
                if outcome.firstProblems.count < keptProblems { outcome.firstProblems.append(p) }
                problem(p)
            }
            for v in videos {
                batch.append(
                    VideoChange(name: v.id, md5: v.md5, features: v.features, label: v.label, category: v.category))
                if batch.count >= videoBatchSize { try flush() }
            }
        }
        switch source {
        case .bytes(let bytes):
            try read(bytes, name: videoName, prefix: "")
        case .path(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                outcome.stopped = IndexError(.io, "cannot open the list: no such file or directory")
                return outcome
            }
            let files: [(path: String, name: String)]
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files = names.filter { !$0.hasPrefix(".") }.sorted().map { (path + "/" + $0, $0) }
            } else {
                files = [(path, URL(fileURLWithPath: path).lastPathComponent)]
            }
            for file in files {
                let bytes: [UInt8]
                do throws(CoreError) {
                    bytes = try FileInput.read(file.path, maxBytes: VideoBankFile.maxBytes)
                } catch {
                    if isDirectory.boolValue && error.message == "not a regular file" { continue }
                    outcome.stopped = IndexError(.io, "cannot read \(file.name): \(error.message)")
                    break
                }
                try read(bytes, name: file.name, prefix: isDirectory.boolValue ? "\(file.name): " : "")
            }
        }
        try flush()
        return outcome
    }
}
