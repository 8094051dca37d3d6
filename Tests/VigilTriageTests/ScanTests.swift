import Foundation
import Testing
import VigilCore
import VigilHashing
import VigilIndex
import VigilMedia
import VigilStore
import VigilTriage

/// A small corpus made here: BMP images (written with the preview encoder), a copy, junk, a
/// ZIP of an image, and a corrupt BMP; and a scanner with a bank holding one image's MD5.
struct ScanFixture {
    let dir: String
    let images: [[UInt8]]
    let store: CaseStore

    init() throws {
        dir = try temporaryDirectory()
        images = (0..<3).map { k in
            PreviewRenderer.bmp(
                GreyImage(width: 64 + 8 * k, height: 64, pixels: noise((64 + 8 * k) * 64, seed: UInt64(10 + k))))
        }
        try FileManager.default.createDirectory(atPath: dir + "/in/sub", withIntermediateDirectories: true)
        for (k, bytes) in images.enumerated() { try Data(bytes).write(to: URL(fileURLWithPath: dir + "/in/i\(k).bmp")) }
        try Data(images[0]).write(to: URL(fileURLWithPath: dir + "/in/sub/copy.bmp"))
        try Data(noise(777, seed: 5)).write(to: URL(fileURLWithPath: dir + "/in/junk.bin"))
        try Data(Array(images[1].prefix(60))).write(to: URL(fileURLWithPath: dir + "/in/cut.bmp"))
        try writeZip(dir + "/in/pack.zip", [("a/i2.bmp", images[2]), ("notes.txt", Array("benign".utf8))])
        store = try CaseStore(path: dir + "/case.sqlite")
    }

    func scanner(jobs: Int = 2) throws -> TriageScanner {
        var matcher = BankMatcher()
        let md5 = FileDigests(of: images[0]).md5
        matcher.addBank(BankProfile(name: "known"), entries: [(HashValue(kind: .md5, hex: md5)!, 7)])
        return TriageScanner(
            store: store, matcher: matcher, resolver: MatchResolver(store: nil, adHocLabels: ["known": [7: "planted"]]),
            options: ScanOptions(jobs: jobs, batchSize: 2))
    }
}

@Suite struct ScanTests {
    @Test func recordsEveryFileWithItsOutcome() throws {
        let f = try ScanFixture()
        let run = try f.store.beginRun(toolVersion: "test", arguments: "", banks: [])
        let counts = try f.scanner().run(paths: [f.dir + "/in"], runID: run)
        #expect(counts.files == 7)
        let items = try f.store.items()
        let outcomes = Dictionary(uniqueKeysWithValues: items.map { ($0.path.replacing(f.dir + "/in/", with: ""), $0.outcome) })
        #expect(
            outcomes == [
                "i0.bmp": .match, "i1.bmp": .media, "i2.bmp": .media, "sub/copy.bmp": .match, "junk.bin": .other,
                "cut.bmp": .error, "pack.zip": .archive, "pack.zip!/a/i2.bmp": .media, "pack.zip!/notes.txt": .other,
            ])
        let i0 = try #require(items.first { $0.path.hasSuffix("/i0.bmp") })
        #expect(i0.matches.map(\.label) == ["planted"])
        #expect(i0.md5 == FileDigests(of: f.images[0]).md5)
        let member = try #require(items.first { $0.path.hasSuffix("pack.zip!/a/i2.bmp") })
        #expect(member.container == f.dir + "/in/pack.zip")
        #expect(member.sha256 == FileDigests(of: f.images[2]).sha256)
    }

    @Test func aRerunSkipsUnchangedFilesAndRedoesChangedOnes() throws {
        let f = try ScanFixture()
        try f.scanner().run(paths: [f.dir + "/in"], runID: f.store.beginRun(toolVersion: "t", arguments: "", banks: []))
        let first = try f.store.items()
        let again = try f.scanner().run(
            paths: [f.dir + "/in"], runID: f.store.beginRun(toolVersion: "t", arguments: "", banks: []))
        #expect(again.skipped == 7 && again.items == 0)
        #expect(try f.store.items() == first)
        // A changed archive is redone whole: its old members go.
        try FileManager.default.removeItem(atPath: f.dir + "/in/pack.zip")
        try writeZip(f.dir + "/in/pack.zip", [("b.bin", noise(50, seed: 8))])
        let third = try f.scanner().run(
            paths: [f.dir + "/in"], runID: f.store.beginRun(toolVersion: "t", arguments: "", banks: []))
        #expect(third.skipped == 6 && third.items == 2)
        #expect(
            try f.store.items().filter { $0.container != nil }.map { $0.path.replacing(f.dir + "/in/", with: "") } == [
                "pack.zip!/b.bin"
            ])
    }

    @Test(arguments: [1, 3])
    func resultsDoNotDependOnTheNumberOfThreads(jobs: Int) throws {
        let a = try ScanFixture(), b = try ScanFixture()
        try a.scanner(jobs: 1).run(paths: [a.dir + "/in"], runID: a.store.beginRun(toolVersion: "t", arguments: "", banks: []))
        try b.scanner(jobs: jobs).run(paths: [b.dir + "/in"], runID: b.store.beginRun(toolVersion: "t", arguments: "", banks: []))
        func normalised(_ f: ScanFixture) throws -> [CaseItem] {
            try f.store.items().map { item in
                var item = item
                item.path = item.path.replacing(f.dir, with: "")
                item.container = item.container?.replacing(f.dir, with: "")
                item.mtime = 0
                return item
            }
        }
        #expect(try normalised(a) == normalised(b))
    }

    @Test func theVICSExportRoundTripsThroughTheImporter() throws {
        let f = try ScanFixture()
        try f.scanner().run(paths: [f.dir + "/in"], runID: f.store.beginRun(toolVersion: "t", arguments: "", banks: []))
        let items = try f.store.items()
        let report = CaseReport(
            caseName: "c", toolVersion: "t", items: items, runs: try f.store.runs(), threshold: 31, qualityFloor: 50)
        var text = ""
        try report.write(.vics) { text += $0 }
        #expect(
            text.hasPrefix(
                "{\"@odata.context\":\"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media\""))
        var imported: [ImportedEntry] = []
        var problems: [ImportProblem] = []
        try ListImporter.read(.vics, chunks: [Array(text.utf8)], entry: { imported.append($0) }, problem: { problems.append($0) })
        #expect(problems.isEmpty)
        var want: Set<String> = []
        for (i, item) in items.enumerated() {
            guard let md5 = item.md5, let sha1 = item.sha1 else { continue }
            want.insert("\(i + 1) md5 \(md5) \(item.outcome.rawValue)")
            want.insert("\(i + 1) sha1 \(sha1) \(item.outcome.rawValue)")
        }
        let got = Set(imported.map { "\($0.externalID ?? "") \($0.hash!.kind.rawValue) \($0.hash!.hex) \($0.tags.joined())" })
        #expect(got == want)
        #expect(imported.contains { $0.label == "planted" })
    }
}
