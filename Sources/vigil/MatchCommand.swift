import ArgumentParser
import Foundation
import VigilCore
import VigilHashing
import VigilIndex
import VigilStore

struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract:
            "Hash files and match them against hash banks (PDQ within each bank's threshold; MD5/SHA-1/SHA-256 exactly; videos by vPDQ).",
        discussion: """
            PDQ hashes with quality below --quality-floor (default 50) are not matched, as in python-threatexchange. \
            With --dihedral every rotation and flip of the image is also tried. Matching is exact: the index never \
            misses an entry within the threshold.

            With --json, one object per file per line:
              {"path", "format", "pdq", "quality", "md5",
               "matches": [{"bank", "entry", "label", "category", "hash",
                            "kind", "distance", "variant", "negative",
                            "suppressed"}],
               "error"}
            "suppressed" marks a positive match set aside because the file also matched a negative bank.

            Videos are matched against the videos of the store's banks (imported with `vigil banks import \
            --format vpdq`) and against --video-bank files (JSON lines from `vigil hash --json`, or one video in \
            vpdq's text format) by python-threatexchange's rule: frames de-duplicated, quality >= \
            --quality-floor (50), distance <= --video-distance (31); a bank video matches when the share of the \
            query's frames found in it reaches --query-match-percent (80) and the share of its frames found in \
            the query reaches --compare-match-percent (0), or when the files' MD5s are equal. All frames of all \
            videos of a bank are in one index, so a clip is found inside a longer video; \
            "matched_start"/"matched_end" give where in the bank video (s), "query_start"/"query_end" where in \
            the query:
              "video_matches": [{"bank", "entry", "label", "category", "negative", "suppressed", "video",
                                 "query_match_percent", "compare_match_percent", "md5_match",
                                 "matched_start", "matched_end", "query_start", "query_end"}]
            """
    )

    @OptionGroup var store: DataOptions
    @OptionGroup var media: MediaOptions

    @Option(name: .customLong("bank"), help: "Match only these banks (repeatable; default: all banks in the store).")
    var banks: [String] = []

    @Option(help: "An ad-hoc list to match as well: one PDQ hex per line, optionally followed by ,label.")
    var hashes: String?

    @Option(help: "PDQ threshold for the --hashes list.")
    var threshold = BankProfile.defaultThreshold

    @Option(help: "Skip PDQ matching for hashes of lower quality (0 matches everything).")
    var qualityFloor = BankMatcher.defaultQualityFloor

    @Option(help: "A video bank: `vigil hash --json` output or a vpdq text file (repeatable).")
    var videoBank: [String] = []

    @Option(help: "Video match: the largest PDQ distance at which two frames match.")
    var videoDistance = VideoMatchRule().distance

    @Option(help: "Video match: the share of the query's frames (%) that must match a bank video.")
    var queryMatchPercent = VideoMatchRule().queryMatchPercent

    @Option(help: "Video match: the share of the bank video's frames (%) that must match the query.")
    var compareMatchPercent = VideoMatchRule().compareMatchPercent

    @OptionGroup var video: VideoOptions

    @Flag(help: "Also try the seven rotations and flips of each image.")
    var dihedral = false

    @Flag(help: "Write one JSON object per file per line.")
    var json = false

    @Argument(help: "Files or directories to match.")
    var paths: [String]

    func run() throws {
        let dataExists = FileManager.default.fileExists(atPath: store.data)
        let bankStore: SQLiteBankStore? = dataExists ? try store.openStore(create: false) : nil
        let rule = VideoMatchRule(
            distance: videoDistance, quality: qualityFloor, queryMatchPercent: queryMatchPercent,
            compareMatchPercent: compareMatchPercent)
        var matcher =
            try bankStore?.matcher(banks: banks, cacheDirectory: store.data + "/index-cache", videoRule: rule)
            ?? BankMatcher()
        if bankStore == nil && !banks.isEmpty { throw ValidationError("no data directory at \(store.data); it holds the banks") }
        var adHoc: [String: [UInt32: String]] = [:]
        if let hashes {
            let (entries, labels, problems) = try Self.readAdHocList(hashes)
            for problem in problems { printError(problem) }
            matcher.addBank(BankProfile(name: hashes, threshold: threshold), entries: entries)
            adHoc[hashes] = labels
        }
        for path in videoBank {
            do throws(CoreError) {
                let videos = try VideoBankFile.load(path)
                matcher.addBank(BankProfile(name: path), pdq: PDQIndex(), digests: [], videos: VideoIndex(videos, rule: rule))
            } catch {
                throw ValidationError(error.message)
            }
        }
        guard !matcher.profiles.isEmpty else {
            throw ValidationError(
                "nothing to match against: create banks (vigil banks) or pass --hashes FILE or --video-bank FILE")
        }
        let resolver = MatchResolver(store: bankStore, adHocLabels: adHoc)
        let entries = FileWalker().expand(paths)
        let output = RecordPrinter(progress: Progress.onTerminal(total: entries.count))
        let options = HashOptions(
            limits: media.limits, dihedral: dihedral, videoLimits: video.limits, secondsPerHash: video.secondsPerHash)
        let (json, floor, frozen) = (self.json, qualityFloor, matcher)
        HashBatch(options: options, jobs: media.jobs).run(entries) { _, record in
            var result = MatchRecord(hash: record, matches: [])
            if let frames = record.vpdq { result.videoMatches = frozen.matchVideo(frames, md5: record.digests?.md5) }
            if record.error == nil {
                do throws(StoreError) {
                    result.matches = try resolver.resolve(frozen.match(record.matchQuery, qualityFloor: floor))
                } catch {
                    result.hash.error = error.message
                }
            }
            output.print(json ? result.json.serialized : Self.plain(result), failed: result.hash.error != nil)
        }
        output.finish()
        if output.failures > 0 { throw ExitCode(1) }
    }

    static func plain(_ r: MatchRecord) -> String {
        if let error = r.hash.error { return "\(r.hash.path): error: \(error)" }
        let videoLines = (r.videoMatches ?? []).map { b in
            let m = b.match
            return
                "    \(b.bank) video \(m.id): query \(Int(m.queryMatchPercent.rounded()))% / compare \(Int(m.compareMatchPercent.rounded()))%"
                + (m.matchedStart.map { start in String(format: " at %.1f–%.1f s", start, m.matchedEnd ?? start) } ?? "")
                + (m.md5Match ? "  [md5]" : "") + (b.negative ? "  [negative bank]" : "")
                + (b.suppressed ? "  [suppressed]" : "")
        }
        guard !r.matches.isEmpty || !videoLines.isEmpty else { return "\(r.hash.path): no match" }
        let lines = r.matches.map { m in
            "    \(m.match.bank) entry \(m.match.entry) \(m.match.hash.kind.rawValue) distance \(m.match.distance)"
                + (m.match.variant == .original ? "" : " (\(m.match.variant))") + (m.label.map { "  \"\($0)\"" } ?? "")
                + (m.match.negative ? "  [negative bank]" : "") + (m.match.suppressed ? "  [suppressed]" : "")
        }
        let count = r.matches.count + videoLines.count
        return "\(r.hash.path): \(count) match\(count == 1 ? "" : "es")\n" + (lines + videoLines).joined(separator: "\n")
    }

    /// Reads `hex[,label]` lines; bad lines are reported by number (never echoing their content).
    static func readAdHocList(_ path: String) throws -> ([(hash: HashValue, payload: UInt32)], [UInt32: String], [String]) {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        var entries: [(hash: HashValue, payload: UInt32)] = [], labels: [UInt32: String] = [:], problems: [String] = []
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated()
        {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let parts = text.split(separator: ",", maxSplits: 1)
            guard let value = HashValue(kind: .pdq, hex: parts[0]) else {
                problems.append("\(path):\(i + 1): not a PDQ hash (64 hex digits expected)")
                continue
            }
            entries.append((value, UInt32(i + 1)))
            if parts.count > 1 { labels[UInt32(i + 1)] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return (entries, labels, problems)
    }
}
