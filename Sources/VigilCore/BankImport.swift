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
}
