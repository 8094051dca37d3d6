import ArgumentParser
import Foundation
import Synchronization
import VigilCore
import VigilIndex
import VigilStore
import VigilTriage

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Triage seized media into a case: hash, match every bank, group; resumable.",
        discussion: """
            Walks the paths (and the ZIP archives in them, under zip-bomb limits), hashes every file (MD5, SHA-1, \
            SHA-256, PDQ), matches the banks, and records each file in the case database \
            DATA/cases/NAME.sqlite. Interrupted scans (Ctrl-C, kill -9) resume: re-running the same command skips \
            files already recorded with the same size and modification time. Progress (files/s, ETA, counts by \
            outcome) goes to stderr. Outcomes: match, media (no match), other (not an image: digests only), \
            error, archive. Write reports with `vigil report`.
            """
    )

    @OptionGroup var store: DataOptions
    @OptionGroup var media: MediaOptions

    @Option(name: .customLong("case"), help: "The case name (its database is DATA/cases/NAME.sqlite).")
    var caseName: String

    @Option(name: .customLong("bank"), help: "Match only these banks (repeatable; default: all banks in the store).")
    var banks: [String] = []

    @Option(help: "Skip PDQ matching for hashes of lower quality.")
    var qualityFloor = BankMatcher.defaultQualityFloor

    @Flag(
        help:
            "Decode JPEGs DCT-scaled while the shorter side stays ≥ \(HashOptions.defaultFastShortSide) px (as vigil hash --fast); PDQ drifts a few bits."
    )
    var fast = false

    @Flag(help: "Also read invisible watermarks (the synthetic signal) of image files; slower.")
    var watermarks = false

    @Option(help: "Refuse archives with more file entries than this.")
    var maxArchiveEntries = ArchiveLimits().maxEntries

    @Option(help: "Refuse archives declaring more uncompressed bytes than this.")
    var maxArchiveBytes = ArchiveLimits().maxTotalBytes

    @Argument(help: "Files or directories to scan.")
    var paths: [String]

    func run() throws {
        try CaseStore.validate(caseName: caseName)
        let bankStore = try store.openStore(create: true)
        let matcher = try bankStore.matcher(banks: banks, cacheDirectory: store.data + "/index-cache")
        let records = Dictionary(try bankStore.banks().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let used = matcher.counts().map { c in
            RunBank(bank: c.bank, version: records[c.bank]?.version ?? 0, pdqEntries: c.pdq, digestEntries: c.digests)
        }
        try FileManager.default.createDirectory(atPath: store.data + "/cases", withIntermediateDirectories: true)
        let caseStore = try CaseStore(path: CaseStore.path(dataDirectory: store.data, caseName: caseName))
        let arguments = CommandLine.arguments.dropFirst().joined(separator: " ")
        let runID = try caseStore.beginRun(toolVersion: VigilVersion.string, arguments: arguments, banks: used)
        let options = ScanOptions(
            hash: HashOptions(limits: media.limits, fastShortSide: fast ? HashOptions.defaultFastShortSide : nil),
            archive: ArchiveLimits(
                maxEntries: maxArchiveEntries, maxTotalBytes: maxArchiveBytes, maxEntryBytes: media.maxBytes),
            jobs: media.jobs, qualityFloor: qualityFloor, watermarks: watermarks)
        let scanner = TriageScanner(
            store: caseStore, matcher: matcher, resolver: MatchResolver(store: bankStore), options: options)
        let display = ScanProgress()
        let counts = try scanner.run(paths: paths, runID: runID) { display.update($0) }
        display.finish(counts)
        printError("scan: case \(caseName) in \(caseStore.path)")
    }
}

/// The live scan display on stderr: a redrawn line on a terminal, a plain line every 10 s otherwise.
final class ScanProgress: Sendable {
    private let start = Date()
    private let lastDraw = Mutex(Date.distantPast)
    private let terminal = isatty(STDERR_FILENO) == 1

    func update(_ counts: ScanCounts) {
        let now = Date()
        let interval = terminal ? 0.2 : 10
        let draw = lastDraw.withLock { last in
            guard now.timeIntervalSince(last) >= interval else { return false }
            last = now
            return true
        }
        guard draw, counts.done < counts.files else { return }
        let text = line(counts, now: now)
        FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[2K" + text : text + "\n").utf8))
    }

    func finish(_ counts: ScanCounts) {
        FileHandle.standardError.write(Data(((terminal ? "\r\u{1B}[2K" : "") + line(counts, now: Date()) + "\n").utf8))
    }

    private func line(_ c: ScanCounts, now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(start), 1e-3)
        let rate = Double(c.done - c.skipped) / elapsed
        let eta = rate > 0 ? Int(Double(c.files - c.done) / rate) : 0
        let outcomes = Outcome.allCases.map { "\($0.rawValue) \(c.byOutcome[$0] ?? 0)" }.joined(separator: ", ")
        return String(
            format: "%d/%d files (%d resumed)  %.1f files/s  %.1f MB/s  ETA %dm%02ds  %@", c.done, c.files, c.skipped, rate,
            Double(c.bytes) / elapsed / 1e6, eta / 60, eta % 60, outcomes)
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a case's report: html, json, csv, or VICS JSON 2.0 (Project VIC).",
        discussion: """
            html: a self-contained page with summary charts, matches, near-duplicate clusters, exact duplicates, \
            errors, and the chain of custody (tool version, scan runs, exact bank versions). Its previews are \
            small greyscale, blurred thumbnails rendered from the decoded images; originals are never embedded. \
            json: the same content as one object. csv: one row per file. vics: one Media (MD5, SHA1) per hashed \
            file, readable by `vigil banks import --format vics`.
            """
    )

    @OptionGroup var store: DataOptions

    @Option(name: .customLong("case"), help: "The case name.")
    var caseName: String

    @Option(help: "html, json, csv or vics.")
    var format: String = "html"

    @Option(help: "The file to write.")
    var output: String

    @Option(help: "PDQ distance within which images are clustered as near-duplicates.")
    var threshold = BankProfile.defaultThreshold

    @Option(help: "Leave hashes of lower quality out of clustering.")
    var qualityFloor = BankMatcher.defaultQualityFloor

    @Option(help: "Most previews in an HTML report (0: none).")
    var maxPreviews = 200

    func run() throws {
        try CaseStore.validate(caseName: caseName)
        guard let reportFormat = ReportFormat(rawValue: format) else {
            throw ValidationError("--format must be one of: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let path = CaseStore.path(dataDirectory: store.data, caseName: caseName)
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no case \(caseName) at \(path)") }
        let caseStore = try CaseStore(path: path)
        let report = CaseReport(
            caseName: caseName, toolVersion: VigilVersion.string, items: try caseStore.items(), runs: try caseStore.runs(),
            threshold: threshold, qualityFloor: qualityFloor)
        guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output)
        else { throw ValidationError("cannot write \(output)") }
        defer { try? file.close() }
        var buffer = ""
        try report.write(reportFormat, previews: PreviewRenderer(), maxPreviews: maxPreviews) { piece in
            buffer += piece
            if buffer.utf8.count >= 1 << 16 {
                file.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        file.write(Data(buffer.utf8))
    }
}
