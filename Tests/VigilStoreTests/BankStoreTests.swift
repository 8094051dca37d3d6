import Foundation
import Testing
import VigilHashing
import VigilIndex
import VigilStore

/// The store implementations under test; every test runs against each.
enum Backend: String, CaseIterable, Sendable {
    case sqliteMemory, sqliteFile

    func make() throws -> any BankStore {
        switch self {
        case .sqliteMemory: return try SQLiteBankStore()
        case .sqliteFile:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID()).sqlite").path
            return try SQLiteBankStore(path: path)
        }
    }
}

func pdq(_ n: Int) -> HashValue { HashValue(kind: .pdq, hex: String(repeating: String(n % 16, radix: 16), count: 64))! }
func md5(_ n: Int) -> HashValue { HashValue(kind: .md5, hex: String(format: "%032x", n))! }

@Test("banks are created once, listed, and deleted", arguments: Backend.allCases)
func bankLifecycle(_ backend: Backend) throws {
    let store = try backend.make()
    let bank = try store.createBank(NewBank(name: "vics", source: "Project VIC", category: "1", threshold: 25))
    #expect(bank.threshold == 25 && bank.version == 0)
    #expect(throws: StoreError.self) { try store.createBank(NewBank(name: "vics")) }
    #expect(throws: StoreError.self) { try store.createBank(NewBank(name: "bad", threshold: 300)) }
    #expect(try store.banks().map(\.name) == ["vics"])
    try store.deleteBank(named: "vics")
    #expect(try store.bank(named: "vics") == nil)
    #expect(throws: StoreError.self) { try store.deleteBank(named: "vics") }
}

@Test("changes add, update and remove entries, and bump the bank version", arguments: Backend.allCases)
func entryChanges(_ backend: Backend) throws {
    let store = try backend.make()
    let bank = try store.createBank(NewBank(name: "b"))
    let first = try store.apply(
        [EntryChange(hash: pdq(1), label: "one"), EntryChange(hash: md5(2), label: "two"), EntryChange(hash: md5(3))],
        toBank: bank.id, addedBy: "tester")
    #expect(first.added == 3)
    let second = try store.apply(
        [
            EntryChange(hash: pdq(1), label: "renamed"), EntryChange(hash: md5(3), remove: true),
            EntryChange(hash: md5(9), remove: true),
        ],
        toBank: bank.id, addedBy: "tester")
    #expect(second.updated == 1 && second.removed == 1 && second.missingRemovals == 1)
    var entries: [EntryRecord] = []
    try store.forEachEntry(inBank: bank.id) { entries.append($0) }
    #expect(entries.map(\.hash) == [pdq(1), md5(2)])
    #expect(entries.first?.label == "renamed" && entries.first?.addedBy == "tester")
    #expect(try store.counts(inBank: bank.id) == [.pdq: 1, .md5: 1])
    #expect(try store.bank(named: "b")?.version == 2)
    let byID = try store.entries(ids: entries.map(\.id))
    #expect(byID.count == 2)
}

@Test("a matcher built from the store finds its entries", arguments: Backend.allCases)
func matcherFromStore(_ backend: Backend) throws {
    let store = try backend.make()
    let bank = try store.createBank(NewBank(name: "b"))
    _ = try store.apply([EntryChange(hash: pdq(5)), EntryChange(hash: md5(7))], toBank: bank.id, addedBy: "t")
    let matcher = try store.matcher()
    let matches = matcher.match(MatchQuery(pdq: .init(hash: pdq(5).pdq!, quality: 100), digests: [md5(7)]))
    #expect(matches.count == 2)
    #expect(throws: StoreError.self) { try store.matcher(banks: ["missing"]) }
}
