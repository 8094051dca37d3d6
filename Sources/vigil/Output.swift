import Foundation
import Synchronization
import VigilCore
import VigilHashing
import VigilMedia

/// Writes one result per file to stdout, keeps the progress bar out of its way, and counts failures.
final class RecordPrinter: Sendable {
    private let progress: Progress?
    private let counters = Mutex((done: 0, failures: 0))

    init(progress: Progress?) { self.progress = progress }

    var failures: Int { counters.withLock { $0.failures } }

    func print(_ record: HashRecord, json: Bool) {
        print(json ? record.json.serialized : Self.plainLine(record), failed: record.error != nil)
    }

    func print(_ line: String, failed: Bool) {
        let done = counters.withLock { c in
            c.done += 1
            if failed { c.failures += 1 }
            return c.done
        }
        progress?.clear()
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        progress?.update(done: done)
    }

    func finish() { progress?.finish() }

    static func plainLine(_ record: HashRecord) -> String {
        if let error = record.error { return "\(record.path): error: \(error)" }
        var parts = [record.path]
        if let pdq = record.pdq { parts.append("pdq=\(pdq.hash.hex) quality=\(pdq.quality)") }
        if let format = record.format, let width = record.width, let height = record.height {
            parts.append("\(format.rawValue) \(width)x\(height)")
        }
        if let digests = record.digests { parts.append("md5=\(digests.md5)") }
        var line = parts.joined(separator: "  ")
        if let dihedral = record.dihedral {
            line +=
                "\n"
                + dihedral.enumerated().map {
                    "    " + "\(DihedralVariant(rawValue: $0.offset)!)".padding(toLength: 10, withPad: " ", startingAt: 0)
                        + $0.element.hex
                }
                .joined(separator: "\n")
        }
        return line
    }
}

/// A one-line progress bar on stderr, shown only when stderr is a terminal and there are many files.
final class Progress: Sendable {
    private let total: Int
    private let start = Date()
    private let lastDraw = Mutex(Date.distantPast)

    private init(total: Int) { self.total = total }

    static func onTerminal(total: Int) -> Progress? {
        isatty(STDERR_FILENO) == 1 && total >= 20 ? Progress(total: total) : nil
    }

    func update(done: Int) {
        let now = Date()
        let shouldDraw = lastDraw.withLock { last in
            guard now.timeIntervalSince(last) > 0.1 || done == total else { return false }
            last = now
            return true
        }
        guard shouldDraw else { return }
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Int(Double(total - done) / rate) : 0
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let text = String(format: "\r[%@] %d/%d files  %.1f files/s  ETA %dm%02ds", bar, done, total, rate, eta / 60, eta % 60)
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Erases the bar before a record is printed, when records go to the same terminal.
    func clear() {
        if isatty(STDOUT_FILENO) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    func finish() { FileHandle.standardError.write(Data("\n".utf8)) }
}
