import ArgumentParser
import VigilCore
import VigilStore
import VigilTakedown

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print the transparency numbers (the same as GET /v1/transparency): aggregate counts only.",
        discussion: """
            Per UTC month: scans, matches by bank, human-confirmed items, false positives, CyberTipline reports \
            filed, takedown notices sent, removals with median and p90 time to removal (first notice to the re-check \
            that found the content gone), and reviewer exposure (reveals, reviewers); then the false-positive rate \
            of each bank from review decisions.
            """)
    @OptionGroup var store: DataOptions
    @Option(help: "How many months, ending with the current one (1–120).") var months = 12
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        guard (1...120).contains(months) else { throw ValidationError("--months must be 1–120") }
    }

    func run() throws {
        let report = try store.openStore(create: false).transparencyReport(months: months)
        print(json ? report.json.serialized : report.text)
    }
}
