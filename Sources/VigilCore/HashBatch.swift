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
        struct State {
            var nextToStart = 0
            var nextToEmit = 0
            var finished: [Int: HashRecord] = [:]
        }
        let state = Mutex(State())
        let options = self.options
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(entries.count, 1))) { _ in
            let hasher = FileHasher(options: options)
            while true {
                let index: Int? = state.withLock { s in
                    guard s.nextToStart < entries.count else { return nil }
                    defer { s.nextToStart += 1 }
                    return s.nextToStart
                }
                guard let index else { return }
                let record: HashRecord
                switch entries[index] {
                case .file(let path):
                    record = hasher.hash(path: path)
                case .failure(let path, let reason):
                    var failed = HashRecord(path: path)
                    failed.error = reason
                    record = failed
                }
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
