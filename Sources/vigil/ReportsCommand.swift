import ArgumentParser
import Foundation
import VigilReporting
import VigilStore

struct ReportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "List and show CyberTipline reports (drafted and submitted in the console or through /v1/reports).",
        subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reports, newest first: id, status, files, NCMEC id.")
        @OptionGroup var store: DataOptions
        @Option(help: "At most this many (1–1000).") var limit = 100

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1–1000") }
        }

        func run() throws {
            for r in try store.openStore(create: false).reports(limit: limit) {
                print(
                    [r.id, r.status.rawValue, "\(r.itemIDs.count) files", r.ncmecReportID ?? "-", r.createdAt].joined(
                        separator: "\t"))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One report: its state, problems, the <report> XML it sends, and NCMEC's receipt.")
        @OptionGroup var store: DataOptions
        @Argument(help: "The report id.") var id: String

        func run() throws {
            guard let r = try store.openStore(create: false).report(id: id) else {
                throw ValidationError("no report \(id) in \(store.data)")
            }
            let view = CyberTipDesk.view(r)
            print("report \(r.id): \(r.status.rawValue), \(r.itemIDs.count) files, drafted by \(r.createdBy) at \(r.createdAt)")
            if let by = r.submittedBy { print("submitted by \(by) at \(r.submittedAt ?? "?"), attempts: \(r.attempts)") }
            if let ncmec = r.ncmecReportID { print("NCMEC report id: \(ncmec), finished at \(r.finishedAt ?? "?")") }
            if let error = r.lastError { print("last error: \(error)") }
            for problem in view.problems { print("problem: \(problem)") }
            if let xml = view.xml { print(xml, terminator: "") }
            if let receipt = r.receipt { print("receipt:\n\(receipt)") }
        }
    }
}
