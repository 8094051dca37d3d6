import Foundation
import Testing
import VigilCore
import VigilHashing
import VigilMedia

/// Conformance against Meta's C++ PDQ through the `pdqhash` oracle. `scripts/test` generates the
/// corpus and its expected values (`scripts/oracle/make_corpus.py`) and sets VIGIL_CORPUS.
enum Corpus {
    static let directory = ProcessInfo.processInfo.environment["VIGIL_CORPUS"]

    struct Entry: Decodable, Sendable, CustomTestStringConvertible {
        let file: String
        let format: String
        let lossless: Bool
        let width: Int
        let height: Int
        let pdq: String
        let quality: Int
        let pdq_dihedral: [String]
        let md5: String
        let sha1: String
        let sha256: String
        var testDescription: String { file }
    }

    struct Hostile: Decodable, Sendable, CustomTestStringConvertible {
        let file: String
        let description: String
        let md5: String
        var testDescription: String { file }
    }

    static func load<T: Decodable>(_ name: String) -> [T] {
        guard let directory, let data = FileManager.default.contents(atPath: directory + "/" + name) else { return [] }
        return (try? JSONDecoder().decode([T].self, from: data)) ?? []
    }

    static let entries: [Entry] = load("oracle.json")
    static let hostile: [Hostile] = load("bad.json")

    static func record(_ file: String) -> HashRecord {
        FileHasher(options: HashOptions(dihedral: true)).hash(path: directory! + "/" + file)
    }
}

@Suite(.enabled(if: Corpus.directory != nil, "VIGIL_CORPUS is not set; scripts/test sets it"))
struct PDQConformance {
    @Test("the oracle corpus is present and non-trivial")
    func corpusLoaded() {
        #expect(Corpus.entries.count >= 100)
        #expect(Corpus.hostile.count >= 6)
    }

    @Test("PDQ, quality, dihedral hashes and digests equal pdqhash's", arguments: Corpus.entries)
    func matchesReference(_ entry: Corpus.Entry) throws {
        let record = Corpus.record(entry.file)
        #expect(record.error == nil)
        let pdq = try #require(record.pdq)
        let expected = try #require(PDQHash(hex: entry.pdq))
        #expect(record.format?.rawValue == entry.format)
        #expect(record.width == entry.width && record.height == entry.height)
        #expect(record.digests == FileDigests(md5: entry.md5, sha1: entry.sha1, sha256: entry.sha256))
        let dihedral = try #require(record.dihedral)
        let expectedDihedral = entry.pdq_dihedral.compactMap { PDQHash(hex: $0) }
        if entry.lossless {
            // Identical pixels: bit-exact.
            #expect(pdq.hash == expected)
            #expect(pdq.quality == entry.quality)
            #expect(dihedral == expectedDihedral)
        } else {
            // Lossy files are decoded by the system's libjpeg-turbo/libwebp rather than Pillow's copies.
            #expect(pdq.hash.distance(to: expected) <= 2)
            #expect(abs(pdq.quality - entry.quality) <= 2)
            for (ours, theirs) in zip(dihedral, expectedDihedral) { #expect(ours.distance(to: theirs) <= 2) }
        }
    }

    @Test("hostile files get an error, keep their digests, and never crash", arguments: Corpus.hostile)
    func hostileInput(_ entry: Corpus.Hostile) {
        let record = Corpus.record(entry.file)
        #expect(record.error != nil)
        #expect(record.pdq == nil)
        #expect(record.digests?.md5 == entry.md5)
    }
}
