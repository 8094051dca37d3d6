import Testing
import VigilIndex

@Suite("text, csv and hma import")
struct FormatsLineTests {
    @Test("text: kinds from length or prefix, CRLF, BOM, blanks and comments", arguments: chunkSizes)
    func textHappyPath(chunkSize: Int) throws {
        let md5 = hex(1, 32)
        let sha1 = hex(2, 40)
        let pdq = hex(3, 64)
        let sha256 = hex(4, 64)
        let input =
            "\u{FEFF}\(md5.uppercased())\r\n\r\n# a comment\n  \(sha1)  \n\(pdq)\nsha256:\(sha256)\r\n\n\tMD5:\(md5)"
        let result = try importList(.text, input, chunkSize: chunkSize)
        #expect(result.problems.isEmpty)
        #expect(result.hashes == [hash(.md5, 1), hash(.sha1, 2), hash(.pdq, 3), hash(.sha256, 4), hash(.md5, 1)])
        #expect(result.entries.map(\.line) == [1, 4, 5, 6, 8])
        #expect(result.entries.allSatisfy { $0.label == nil && !$0.deleted && $0.tags.isEmpty })
    }

    @Test("text: 64-digit hashes take the default kind")
    func textDefaultKind() throws {
        let result = try importList(.text, hex(5, 64) + "\n", defaultKind: .sha256)
        #expect(result.hashes == [hash(.sha256, 5)])
        #expect(throws: IndexError.self) { try importList(.text, hex(5, 64), defaultKind: .md5) }
    }

    @Test("text: bad lines are reported with their line and the rest imported", arguments: chunkSizes)
    func textMalformed(chunkSize: Int) throws {
        let short = hex(10, 63)
        let nonHex = String(hex(11, 32).prefix(5)) + "g" + String(hex(11, 32).dropFirst(6))
        let input = [
            hex(12, 32), short, nonHex, "crc32:" + hex(13, 8), hex(14, 40), "sha1:" + hex(15, 32), hex(16, 64),
        ]
        .joined(separator: "\n")
        let result = try importList(.text, input, chunkSize: chunkSize)
        #expect(result.hashes == [hash(.md5, 12), hash(.sha1, 14), hash(.pdq, 16)])
        #expect(result.entries.map(\.line) == [1, 5, 7])
        #expect(result.problemLines == [2, 3, 4, 6])
        #expect(result.problems.first?.message.contains("(got 63 characters)") == true)
        #expect(result.problems.dropFirst().first?.message.contains("position 6") == true)
        #expect(result.problems.last?.message.contains("SHA-1 hash must be 40 hex digits (got 32 characters)") == true)
        #expect(problemsAreClean(result.problems, secrets: [short, nonHex, hex(13, 8), hex(15, 32)]))
    }

    @Test("text: a 2 MiB line is reported and skipped, its neighbours kept", arguments: [4096, 1 << 18])
    func textLongLine(chunkSize: Int) throws {
        let long = String(repeating: "a", count: 2 << 20)
        let input = "\(hex(20, 32))\n\(long)\n\(hex(21, 40))\n\(long)"
        let result = try importList(.text, input, chunkSize: chunkSize)
        #expect(result.hashes == [hash(.md5, 20), hash(.sha1, 21)])
        #expect(result.entries.map(\.line) == [1, 3])
        #expect(result.problemLines == [2, 4])
        #expect(result.problems.allSatisfy { $0.message.contains("longer than \(1 << 20) bytes") })
    }

    @Test("text: a line of exactly maxLineBytes is read")
    func textLineAtLimit() throws {
        let input = "  \(hex(22, 32))\n\(hex(23, 32))   \n"
        let result = try importList(.text, input, chunkSize: 5, maxLineBytes: 34)
        #expect(result.hashes == [hash(.md5, 22)])
        #expect(result.problemLines == [2])
    }

    @Test("csv: header, labels, RFC 4180 quoting and multi-line fields", arguments: chunkSizes)
    func csvHappyPath(chunkSize: Int) throws {
        let input = """
            \u{FEFF}hash,label\r
            \(hex(30, 32)),plain label\r
            # comment, with a comma
            \(hex(31, 40)),"quoted, with ""quotes""\"

            \(hex(32, 64)),"two
            lines"
            \(hex(33, 32)),
            sha256:\(hex(34, 64))
            """
        let result = try importList(.csv, input, chunkSize: chunkSize)
        #expect(result.problems.isEmpty)
        #expect(result.hashes == [hash(.md5, 30), hash(.sha1, 31), hash(.pdq, 32), hash(.md5, 33), hash(.sha256, 34)])
        #expect(result.entries.map(\.label) == ["plain label", "quoted, with \"quotes\"", "two\nlines", nil, nil])
        #expect(result.entries.map(\.line) == [2, 4, 6, 8, 9])
    }

    @Test("csv: bad records are reported, good ones kept")
    func csvMalformed() throws {
        let input = """
            \(hex(40, 32)),one
            \(hex(41, 31)),secret label
            \(hex(42, 32)),a,b
            hash,label
            \(hex(43, 40)),"never closed
            """
        let result = try importList(.csv, input)
        #expect(result.hashes == [hash(.md5, 40)])
        #expect(result.problemLines == [2, 3, 4, 5])
        #expect(result.problems[1].message == "expected hash,label (got 3 fields)")
        #expect(result.problems[3].message.contains("not closed"))
        #expect(problemsAreClean(result.problems, secrets: ["secret label", hex(41, 31)]))
    }

    @Test("hma: python-threatexchange dataset CSV", arguments: [1, 1 << 20])
    func hmaHappyPath(chunkSize: Int) throws {
        let input = """
            signal_type,signal_str,collab,category,tags
            pdq,\(hex(50, 64)),Sample Signals,INVESTIGATION_SEED,tag1 tag2
            video_md5,\(hex(51, 32).uppercased()),"Collab, Inc.",POSITIVE_CLASS,
            url,https://example.org/,Sample Signals,INVESTIGATION_SEED,
            video_sha256,\(hex(52, 64)),,,

            """
        let result = try importList(.hma, input, chunkSize: chunkSize)
        #expect(result.hashes == [hash(.pdq, 50), hash(.md5, 51), hash(.sha256, 52)])
        #expect(result.entries.map(\.label) == ["Sample Signals", "Collab, Inc.", nil])
        #expect(result.entries.map(\.category) == ["INVESTIGATION_SEED", "POSITIVE_CLASS", nil])
        #expect(result.entries.map(\.tags) == [["tag1", "tag2"], [], []])
        #expect(result.entries.map(\.line) == [2, 3, 5])
        #expect(
            result.problems == [ImportProblem(line: 4, message: "signal type url is not a media hash Vigil matches")])
    }

    @Test("hma: columns are found by the header's names; a headerless file uses the default order")
    func hmaColumnOrder() throws {
        let reordered = "tags,signal_str,signal_type\nx y,\(hex(53, 32)),video_md5\n"
        let result = try importList(.hma, reordered)
        #expect(result.hashes == [hash(.md5, 53)])
        #expect(result.entries.first?.tags == ["x", "y"])
        let headerless = try importList(.hma, "pdq,\(hex(54, 64)),c,NEGATIVE_CLASS,t\n")
        #expect(headerless.hashes == [hash(.pdq, 54)])
        #expect(headerless.entries.first?.category == "NEGATIVE_CLASS")
    }

    @Test("hma: a header without signal_str stops the import; unknown types are not echoed")
    func hmaMalformed() throws {
        #expect(throws: IndexError.self) { try importList(.hma, "signal_type,collab\npdq,x\n") }
        let secret = "secret_type_" + hex(55, 20)
        let result = try importList(.hma, "\(secret),\(hex(56, 64)),c,,\npdq,\(hex(57, 63)),c,,\n")
        #expect(result.entries.isEmpty)
        #expect(
            result.problems.map(\.message) == [
                "unknown signal type", "PDQ hash must be 64 hex digits (got 63 characters)",
            ])
        #expect(problemsAreClean(result.problems, secrets: [secret, hex(57, 63)]))
    }

    @Test("a missing file is an I/O error")
    func missingFile() {
        #expect(throws: IndexError.self) {
            try ListImporter.read(.text, path: "/nonexistent/vigil-list.txt", entry: { _ in }, problem: { _ in })
        }
    }
}
