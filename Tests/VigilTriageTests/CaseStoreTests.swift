import Testing
import VigilTriage

@Suite struct CaseNameTests {
    @Test(arguments: ["case-1", "A_b.2", "x"])
    func acceptsPlainNames(_ name: String) throws {
        try CaseStore.validate(caseName: name)
    }

    @Test(arguments: ["", ".hidden", "../up", "a/b", "sp ace", String(repeating: "a", count: 129)])
    func refusesNamesThatAreNotFileNames(_ name: String) {
        #expect(throws: TriageError.self) { try CaseStore.validate(caseName: name) }
    }
}
