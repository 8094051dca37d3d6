import Dispatch
import Synchronization

/// Runs `FileHasher` over many files on `jobs` threads and delivers records in input order.
public struct HashBatch: Sendable {
    public var options: HashOptions
    public var jobs: Int

    public init(options: HashOptions, jobs: Int) {
        self.options = options
        self.jobs = max(1, jobs)
    }

    /// Hashes `entries` in parallel. `emit` is called once per entry, in order, never concurrently.
    public func run(_ entries: [FileWalker.Entry], emit: @escaping @Sendable (Int, HashRecord) -> Void) {
        let options = self.options
        OrderedBatch(jobs: jobs).run(count: entries.count, emit: emit) {
            let hasher = FileHasher(options: options)
            return { index in
                switch entries[index] {
                case .file(let path):
                    return hasher.hash(path: path)
                case .failure(let path, let reason):
                    var failed = HashRecord(path: path)
                    failed.error = reason
                    return failed
                }
            }
        }
    }
}

/// Runs work items on `jobs` threads, each thread with its own worker (codec state, scratch
/// buffers), and delivers the results in input order.
public struct OrderedBatch: Sendable {
    public var jobs: Int

    public init(jobs: Int) { self.jobs = max(1, jobs) }

    /// Processes items `0..<count`. `makeWorker` runs once per thread and returns that thread's
    /// function from item index to result. `emit` is called once per item, in index order, never
    /// concurrently.
    public func run<Record: Sendable>(
        count: Int, emit: @escaping @Sendable (Int, Record) -> Void,
        makeWorker: @escaping @Sendable () -> (Int) -> Record
    ) {
        let state = Mutex(OrderedBatchState<Record>())
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(count, 1))) { _ in
            let work = makeWorker()
            while true {
                let index: Int? = state.withLock { s in
                    guard s.nextToStart < count else { return nil }
                    defer { s.nextToStart += 1 }
                    return s.nextToStart
                }
                guard let index else { return }
                let record = work(index)
                state.withLock { s in
                    s.finished[index] = record
                    while let ready = s.finished.removeValue(forKey: s.nextToEmit) {
                        emit(s.nextToEmit, ready)
                        s.nextToEmit += 1
                    }
                }
            }
        }
    }
}

/// The shared bookkeeping of `OrderedBatch.run`.
private struct OrderedBatchState<Record> {
    var nextToStart = 0
    var nextToEmit = 0
    var finished: [Int: Record] = [:]
}
