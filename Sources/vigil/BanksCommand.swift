import ArgumentParser
import Foundation
import VigilCore
import VigilIndex
import VigilStore

struct BanksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "banks",
        abstract: "Manage hash banks in the embedded store: named lists with a source, a category and a PDQ threshold.",
        discussion: """
            A negative bank lists known false positives: a query that matches it has its other matches marked \
            "suppressed". Bank contents are confidential; errors and logs never print their hashes or labels.
            """,
        subcommands: [Create.self, List.self, Stats.self, Delete.self, Import.self, Export.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty bank.")
        @OptionGroup var store: DataOptions
        @Argument(help: "Bank name.") var name: String
        @Option(help: "Where the list comes from (e.g. NCMEC, Project VIC, internal).") var source: String?
        @Option(help: "The list's classification, e.g. a Project VIC category (0–4) or A1/A2/B1/B2.") var category: String?
        @Flag(help: "Known false positives: matches here suppress positive matches.") var negative = false
        @Option(help: "PDQ match threshold (Hamming distance, inclusive).") var threshold = BankProfile.defaultThreshold

        func run() throws {
            let banks = try store.openStore(create: true)
            let bank = try banks.createBank(
                NewBank(name: name, source: source, category: category, negative: negative, threshold: threshold))
            try banks.appendAudit(AuditDraft(actor: DataOptions.actor, action: "bank.create", subject: bank.name))
            print("created bank \(bank.name) (threshold \(bank.threshold)\(bank.negative ? ", negative" : ""))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List banks.")
        @OptionGroup var store: DataOptions
        @Flag(help: "One JSON object per bank per line.") var json = false

        func run() throws {
            let store = try store.openStore(create: false)
            for bank in try store.banks() {
                let counts = try store.counts(inBank: bank.id)
                let videos = try store.videoCounts(inBank: bank.id)
                if json {
                    print(BanksCommand.json(bank, counts, videos: videos).serialized)
                } else {
                    let total = counts.values.reduce(0, +)
                    print(
                        "\(bank.name)\t\(total) entries\t\(videos.videos) videos\tthreshold \(bank.threshold)\(bank.negative ? "\tnegative" : "")\t\(bank.source ?? "")"
                    )
                }
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Entry counts by hash kind, video and frame counts, version and dates of a bank (or all).")
        @OptionGroup var store: DataOptions
        @Option(help: "Only this bank.") var bank: String?

        func run() throws {
            let store = try store.openStore(create: false)
            let banks = try store.banks().filter { bank == nil || $0.name == bank }
            if let bank, banks.isEmpty { throw ValidationError("no bank named \"\(bank)\"") }
            for b in banks {
                print(
                    BanksCommand.json(b, try store.counts(inBank: b.id), videos: try store.videoCounts(inBank: b.id)).serialized)
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a bank and all its entries.")
        @OptionGroup var store: DataOptions
        @Argument(help: "Bank name.") var name: String

        func run() throws {
            let banks = try store.openStore(create: false)
            try banks.deleteBank(named: name)
            try banks.appendAudit(AuditDraft(actor: DataOptions.actor, action: "bank.delete", subject: name))
            print("deleted bank \(name)")
        }
    }

    static func json(_ bank: BankRecord, _ counts: [HashKind: Int], videos: (videos: Int, frames: Int)) -> JSONValue {
        .object([
            ("name", .string(bank.name)), ("source", JSONValue(bank.source)), ("category", JSONValue(bank.category)),
            ("negative", .bool(bank.negative)), ("threshold", .int(bank.threshold)),
            ("entries", .int(counts.values.reduce(0, +))),
            ("by_kind", .object(HashKind.allCases.map { ($0.rawValue, .int(counts[$0] ?? 0)) })),
            ("videos", .int(videos.videos)), ("video_frames", .int(videos.frames)),
            ("version", .int(Int(bank.version))), ("created_at", .string(bank.createdAt)),
            ("updated_at", .string(bank.updatedAt)),
        ])
    }
}
