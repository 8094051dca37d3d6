import Foundation
import Testing
import VigilIndex

/// Entries a format holds, entries it must skip, and how to read 64-digit hashes back.
struct RoundTripCase: Sendable, CustomTestStringConvertible {
    let format: ListFormat
    let kept: [ExportEntry]
    let skipped: [ExportEntry]
    var defaultKind: HashKind? = nil

    var testDescription: String { format.rawValue }

    static let all: [RoundTripCase] = [
        RoundTripCase(
            format: .text,
            kept: [
                ExportEntry(hash: hash(.md5, 1)), ExportEntry(hash: hash(.sha1, 2)), ExportEntry(hash: hash(.pdq, 3)),
            ],
            skipped: [ExportEntry(hash: hash(.md5, 4), deleted: true)]),
        RoundTripCase(
            format: .text, kept: [ExportEntry(hash: hash(.sha256, 5)), ExportEntry(hash: hash(.md5, 6))], skipped: [],
            defaultKind: .sha256),
        RoundTripCase(
            format: .csv,
            kept: [
                ExportEntry(hash: hash(.md5, 10), label: "plain"), ExportEntry(hash: hash(.sha1, 11), label: "a,b"),
                ExportEntry(hash: hash(.pdq, 12), label: "quote \"x\" and\nline break\r\n"),
                ExportEntry(hash: hash(.md5, 13), label: " padded "),
                ExportEntry(hash: hash(.md5, 14), label: "#not a comment"),
                ExportEntry(hash: hash(.md5, 15), label: "ünïcödé ✓"), ExportEntry(hash: hash(.md5, 16)),
            ],
            skipped: [ExportEntry(hash: hash(.md5, 17), label: "gone", deleted: true)]),
        RoundTripCase(
            format: .hma,
            kept: [
                ExportEntry(
                    hash: hash(.pdq, 20), label: "Sample Signals", category: "POSITIVE_CLASS", tags: ["a", "b"]),
                ExportEntry(hash: hash(.md5, 21), label: "Collab, \"quoted\"", category: "INVESTIGATION_SEED"),
                ExportEntry(hash: hash(.sha256, 22)),
            ],
            skipped: [ExportEntry(hash: hash(.sha1, 23)), ExportEntry(hash: hash(.pdq, 24), deleted: true)]),
        RoundTripCase(
            format: .vics,
            kept: [
                ExportEntry(
                    hash: hash(.md5, 30), label: "Series \"1\"", category: "1", externalID: "7",
                    addedAt: "2023-06-07T02:31:49.8300Z", tags: ["x", "y z", "VictimIdentified", "IsDistributed"]),
                ExportEntry(
                    hash: hash(.sha1, 31), label: "Series \"1\"", category: "1", externalID: "7",
                    addedAt: "2023-06-07T02:31:49.8300Z", tags: ["x", "y z", "VictimIdentified", "IsDistributed"]),
                ExportEntry(hash: hash(.md5, 32), category: "A1", externalID: "0042"),
                ExportEntry(hash: hash(.sha1, 33), category: "0"),
            ],
            skipped: [
                ExportEntry(hash: hash(.pdq, 34)), ExportEntry(hash: hash(.sha256, 35)),
                ExportEntry(hash: hash(.md5, 36), deleted: true),
            ]),
        RoundTripCase(
            format: .stopncii,
            kept: [
                ExportEntry(hash: hash(.pdq, 40), addedAt: "2021-07-01T19:30:04Z", tags: ["case-1", "case-2"]),
                ExportEntry(hash: hash(.md5, 41), tags: ["case-3"], deleted: true), ExportEntry(hash: hash(.pdq, 42)),
            ],
            skipped: [ExportEntry(hash: hash(.sha1, 43)), ExportEntry(hash: hash(.sha256, 44))]),
    ]
}

@Suite("export and round trips")
struct FormatsRoundTripTests {
    @Test("an export reads back to the entries the format holds", arguments: RoundTripCase.all)
    func roundTrip(_ testCase: RoundTripCase) throws {
        var output = ""
        let entries =
            zip(testCase.kept.indices, testCase.kept).flatMap { index, entry in
                index < testCase.skipped.count ? [entry, testCase.skipped[index]] : [entry]
            } + testCase.skipped.dropFirst(testCase.kept.count)
        let summary = try ListExporter.write(testCase.format, entries: entries) { output += $0 }
        #expect(summary == ExportSummary(written: testCase.kept.count, skipped: testCase.skipped.count))
        for chunkSize in [3, 1 << 20] {
            let result = try importList(
                testCase.format, output, chunkSize: chunkSize, defaultKind: testCase.defaultKind)
            #expect(result.problems.isEmpty)
            #expect(result.entries.compactMap(ExportEntry.init) == testCase.kept)
        }
    }

    @Test("an empty export reads back to nothing", arguments: [ListFormat.text, .csv, .hma, .vics, .stopncii])
    func emptyRoundTrip(format: ListFormat) throws {
        var output = ""
        try ListExporter.write(format, entries: [ExportEntry]()) { output += $0 }
        let result = try importList(format, output)
        #expect(result.entries.isEmpty && result.problems.isEmpty)
    }

    @Test("vics: an MD5 and a SHA1 of one Media share its object")
    func vicsMerge() throws {
        var pieces: [String] = []
        let entries = [
            ExportEntry(hash: hash(.md5, 50), externalID: "1"), ExportEntry(hash: hash(.sha1, 51), externalID: "1"),
            ExportEntry(hash: hash(.sha1, 52), externalID: "1"),
            ExportEntry(hash: hash(.md5, 53), externalID: "2", tags: ["t"]),
            ExportEntry(hash: hash(.sha1, 54), externalID: "2"),
        ]
        try ListExporter.write(.vics, entries: entries) { pieces.append($0) }
        let media = pieces.joined().split(separator: "\n").filter { $0.contains("MediaID") }
        #expect(media.count == 4)
        #expect(media.first?.contains(hash(.md5, 50).hex.uppercased()) == true)
        #expect(media.first?.contains(hash(.sha1, 51).hex.uppercased()) == true)
        #expect(media.first?.hasPrefix("{\"MediaID\":1,") == true)
    }

    @Test("csv and hma quote only where they must")
    func csvQuoting() throws {
        var output = ""
        try ListExporter.write(.csv, entries: [ExportEntry(hash: hash(.md5, 60), label: "say \"hi\", world")]) {
            output += $0
        }
        #expect(output == "hash,label\n\(hash(.md5, 60).hex),\"say \"\"hi\"\", world\"\n")
        output = ""
        try ListExporter.write(.hma, entries: [ExportEntry(hash: hash(.pdq, 61), label: "c", tags: ["a", "b"])]) {
            output += $0
        }
        #expect(output == "signal_type,signal_str,collab,category,tags\npdq,\(hash(.pdq, 61).hex),c,,a b\n")
    }

    @Test("ncmec cannot be exported")
    func ncmecExport() {
        #expect(throws: IndexError.self) {
            try ListExporter.write(.ncmec, entries: [ExportEntry(hash: hash(.md5, 1))]) { _ in }
        }
    }

    @Test("a list on disk is read through its path")
    func fromFile() throws {
        let path = "/tmp/vigil-formats-test-\(hex(70, 12)).csv"
        var output = ""
        let entries = (0..<500).map { ExportEntry(hash: hash(.pdq, 1000 + $0), label: "label \($0)") }
        try ListExporter.write(.csv, entries: entries) { output += $0 }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(output.utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var read: [ExportEntry] = []
        try ListImporter.read(.csv, path: path, entry: { read.append(ExportEntry($0)!) }, problem: { _ in })
        #expect(read == entries)
    }

    @Test("a million lines stream through in small chunks")
    func millionLines() throws {
        let kinds: [HashKind] = [.md5, .sha1, .pdq]
        let unit = (0..<1000).map { hex($0, kinds[$0 % 3].hexLength) + "\n" }.joined()
        let lines = 1_000_000
        var count = 0
        var last: ImportedEntry?
        var problems = 0
        try ListImporter.read(
            .text, chunks: RepeatedChunks(unit: Array(unit.utf8), repeats: lines / 1000, size: 4093),
            entry: {
                count += 1
                last = $0
            }, problem: { _ in problems += 1 })
        #expect(count == lines)
        #expect(problems == 0)
        #expect(last?.line == lines)
        #expect(last?.hash == hash(kinds[999 % 3], 999))
    }
}

/// `unit` repeated `repeats` times, served in chunks of `size` bytes that ignore where a unit ends.
struct RepeatedChunks: Sequence, IteratorProtocol {
    let unit: [UInt8]
    let repeats: Int
    let size: Int
    private var offset = 0

    init(unit: [UInt8], repeats: Int, size: Int) {
        self.unit = unit
        self.repeats = repeats
        self.size = size
    }

    mutating func next() -> [UInt8]? {
        let total = unit.count * repeats
        guard offset < total else { return nil }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(size)
        while chunk.count < size && offset < total {
            let start = offset % unit.count
            let count = Swift.min(size - chunk.count, unit.count - start, total - offset)
            chunk += unit[start..<start + count]
            offset += count
        }
        return chunk
    }
}
