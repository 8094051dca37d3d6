import ArgumentParser
import Foundation
import VigilCore
import VigilIndex
import VigilStore

extension ListFormat: ExpressibleByArgument {}
extension HashKind: ExpressibleByArgument {}

extension BanksCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a hash list into a bank, streaming; bad lines are reported by number and skipped.",
            discussion: """
                Formats: text (one hash per line; MD5, SHA-1 or 64-digit by length), csv (hash,label), hma \
                (python-threatexchange / HMA CSV), vics (Project VIC VICS JSON v1.x and v2.0; MD5/SHA1 with categories), \
                ncmec (NCMEC hash-sharing XML; deletions honoured), stopncii (StopNCII JSON records; VideoMD5 \
                records become MD5 entries), vpdq (bank videos: one video in the vpdq reference's text format \
                `frameNumber,quality,hash,timestamp`, named by its file; a directory of such files; or JSON lines \
                with "vpdq" arrays as `vigil hash --json` and `vigil banks export --format vpdq` write them). \
                Lists of video MD5s import as text (MD5 entries), and match a video file's MD5. \
                Entries are committed in batches, so an interrupted import keeps what it had read. \
                Deletions (tombstones) remove hashes from the bank. The exit status is 1 if any line was rejected.
                """)
        @OptionGroup var store: DataOptions
        @Option(help: "The bank to import into.") var bank: String
        @Option(help: "List format: \(ListFormat.allCases.map(\.rawValue).joined(separator: ", ")).") var format: ListFormat
        @Flag(help: "Create the bank if it does not exist (with --source, --category, --negative, --threshold).") var create =
            false
        @Option(help: "For --create: where the list comes from.") var source: String?
        @Option(help: "For --create: the list's classification.") var category: String?
        @Flag(help: "For --create: a negative bank of known false positives.") var negative = false
        @Option(help: "For --create: PDQ match threshold.") var threshold = BankProfile.defaultThreshold
        @Option(help: "What 64-digit hashes are in text and csv lists: pdq or sha256.") var wideKind: HashKind = .pdq
        @Option(help: "Who is adding these entries (recorded on each entry).") var addedBy =
            ProcessInfo.processInfo.environment["USER"] ?? "cli"
        @Argument(help: "The list file (for vpdq, also a directory of vPDQ files).") var file: String

        func run() throws {
            let store = try store.openStore(create: create)
            let target: BankRecord
            if let existing = try store.bank(named: bank) {
                target = existing
            } else if create {
                target = try store.createBank(
                    NewBank(name: bank, source: source, category: category, negative: negative, threshold: threshold))
                try store.appendAudit(AuditDraft(actor: DataOptions.actor, action: "bank.create", subject: bank))
            } else {
                throw ValidationError("no bank named \"\(bank)\" (add --create to create it)")
            }
            let progress = ImportProgress(file: file)
            let outcome = try BankImport(store: store, bankID: target.id, addedBy: addedBy, defaultKind: wideKind).run(
                format, from: .path(file), line: { progress.line($0) }, problem: { progress.problem($0) })
            progress.finish()
            let s = outcome.summary
            try store.appendAudit(
                AuditDraft(
                    actor: DataOptions.actor, action: "bank.import", subject: target.name,
                    detail: #"{"added":\#(s.added),"removed":\#(s.removed),"rejected":\#(progress.problems)}"#))
            if let error = outcome.stopped {
                printError("\(file): import stopped: \(error.message)")
                printError(Self.describe(outcome.summary, problems: progress.problems))
                throw ExitCode(1)
            }
            print(Self.describe(outcome.summary, problems: progress.problems))
            if progress.problems > 0 { throw ExitCode(1) }
        }

        static func describe(_ s: ChangeSummary, problems: Int) -> String {
            "added \(s.added), updated \(s.updated), removed \(s.removed), deletions of absent hashes \(s.missingRemovals), rejected lines \(problems)"
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a bank as a hash list (text, csv, hma, vics or stopncii), streaming.",
            discussion: """
                --format vpdq exports the bank's videos instead, one JSON line per video: \
                {"name", "md5", "label", "category", "vpdq": [{"frame", "quality", "pdq", "timestamp"}]}, \
                which `vigil banks import --format vpdq` reads back.
                """)
        @OptionGroup var store: DataOptions
        @Option(help: "The bank to export.") var bank: String
        @Option(help: "List format: text, csv, hma, vics, stopncii; vpdq for the bank's videos.") var format: ListFormat
        @Option(help: "Write here instead of standard output.") var output: String?

        func run() throws {
            let store = try store.openStore(create: false)
            guard let source = try store.bank(named: bank) else { throw ValidationError("no bank named \"\(bank)\"") }
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil) else {
                    throw ValidationError("cannot create \(output)")
                }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            } else {
                handle = FileHandle.standardOutput
            }
            if format == .vpdq {
                var written = 0
                try store.forEachVideo(inBank: source.id) { v in
                    let video = BankVideo(
                        id: v.name, features: v.features, md5: v.md5, label: v.label, category: v.category ?? source.category)
                    handle.write(Data((VideoBankFile.jsonLine(video) + "\n").utf8))
                    written += 1
                }
                if output != nil { try handle.close() }
                printError("exported \(written) videos")
                return
            }
            let pages = BankEntryPages(store: store, bankID: source.id)
            let entries = pages.lazy.map {
                ExportEntry(
                    hash: $0.hash, label: $0.label, category: $0.category ?? source.category, externalID: $0.externalID,
                    addedAt: $0.addedAt, tags: [], deleted: false)
            }
            var buffer = ""
            let summary = try ListExporter.write(format, entries: entries) { piece in
                buffer += piece
                if buffer.utf8.count >= 1 << 16 {
                    handle.write(Data(buffer.utf8))
                    buffer = ""
                }
            }
            handle.write(Data(buffer.utf8))
            if let failure = pages.failure { throw failure }
            if output != nil { try handle.close() }
            printError(
                "exported \(summary.written) entries\(summary.skipped > 0 ? ", skipped \(summary.skipped) the format cannot hold" : "")"
            )
        }
    }
}

/// Import progress on stderr (when it is a terminal) and rejected-line reports.
final class ImportProgress {
    let file: String
    private(set) var problems = 0
    private var lastLine = 0
    private var lastDraw = Date.distantPast
    private let start = Date()
    private let terminal = isatty(STDERR_FILENO) == 1

    init(file: String) { self.file = file }

    func line(_ n: Int) {
        lastLine = max(lastLine, n)
        guard terminal, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        let rate = Double(lastLine) / max(Date().timeIntervalSince(start), 0.001)
        FileHandle.standardError.write(
            Data(String(format: "\r%@: line %d  %.0f lines/s  %d rejected", file, lastLine, rate, problems).utf8))
    }

    func problem(_ p: ImportProblem) {
        problems += 1
        if problems <= 100 {
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            printError("\(file):\(p.line): \(p.message)")
        } else if problems == 101 {
            printError("\(file): more rejected lines; only the first 100 are listed")
        }
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        let seconds = Date().timeIntervalSince(start)
        printError(String(format: "%@: read %d lines in %.1f s", file, lastLine, seconds))
    }
}
