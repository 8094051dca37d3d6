import Testing
import VigilIndex

let utf8BOMBytes: [UInt8] = [0xEF, 0xBB, 0xBF]

@Suite("NCMEC hash-sharing XML import")
struct FormatsNCMECTests {
    static let page = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">
            <images count="3" maxTimestamp="2017-10-24T15:10:00Z">
                <image>
                    <member id="42">Example Member</member>
                    <timestamp>2017-10-24T15:00:00Z</timestamp>
                    <id>image1</id>
                    <classification>A1</classification>
                    <fingerprints>
                        <md5>\(hex(1, 32).uppercased())</md5>
                        <sha1>\(hex(2, 40))</sha1>
                        <pdna>a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1</pdna>
                        <pdq>
                            \(hex(3, 64))
                        </pdq>
                    </fingerprints>
                    <feedback lastUpdateTimestamp="2023-06-01T12:48:14Z">
                        <affirmativeFeedback type="Md5" lastUpdateTimestamp="2023-06-01T12:48:14Z">
                            <members timestamp="2023-06-01T12:48:14Z">
                                <member id="7">Other Member</member>
                            </members>
                        </affirmativeFeedback>
                    </feedback>
                </image>
                <!-- an entry with PhotoDNA only -->
                <image>
                    <member id="42">Example Member</member>
                    <id>image2</id>
                    <fingerprints><pdna>b1b1b1b1</pdna></fingerprints>
                </image>
                <deletedImage>
                    <member id="43">Example Member2</member>
                    <id>image4</id>
                    <timestamp>2017-10-24T15:10:00Z</timestamp>
                </deletedImage>
            </images>
            <videos count="2" maxTimestamp="2017-10-24T15:20:00Z">
                <video>
                    <member id="42">Example Member</member>
                    <timestamp>2017-10-24T15:00:00Z</timestamp>
                    <id>video1</id>
                    <fingerprints>
                        <md5><![CDATA[\(hex(4, 32))]]></md5>
                        <tmk-pdqf rel="self" href="/v2/entries/1/fingerprints/TMK_PDQF"/>
                    </fingerprints>
                </video>
                <deletedVideo>
                    <member id="42">Example Member</member>
                    <id>video4</id>
                    <timestamp>2017-10-24T15:20:00Z</timestamp>
                </deletedVideo>
            </videos>
            <paging>
                <next>/v2/entries?from=2017-10-20T00%3A00%3A00.000Z&amp;to=2017-10-30T00%3A00%3A00.000Z</next>
            </paging>
        </queryResult>
        """

    @Test("entries, fingerprints and tombstones", arguments: [1, 7, 1 << 20])
    func page(chunkSize: Int) throws {
        let result = try importList(.ncmec, Self.page, chunkSize: chunkSize)
        #expect(result.hashes == [hash(.md5, 1), hash(.sha1, 2), hash(.pdq, 3), nil, hash(.md5, 4), nil])
        #expect(result.entries.map(\.line) == [4, 4, 4, 31, 38, 47])
        #expect(result.entries.map(\.externalID) == ["image1", "image1", "image1", "image4", "video1", "video4"])
        #expect(result.entries.map(\.deleted) == [false, false, false, true, false, true])
        #expect(
            result.entries.map(\.label) == Array(repeating: "Example Member", count: 3) + ["Example Member2"]
                + Array(repeating: "Example Member", count: 2))
        #expect(result.entries.map(\.category) == ["A1", "A1", "A1", nil, nil, nil])
        #expect(result.entries[0].addedAt == "2017-10-24T15:00:00Z")
        #expect(result.entries[3].addedAt == "2017-10-24T15:10:00Z")
        #expect(
            result.entries.map(\.tags) == [
                ["image", "member:42"], ["image", "member:42"], ["image", "member:42"], ["image", "member:43"],
                ["video", "member:42"], ["video", "member:42"],
            ])
        #expect(result.problems.map(\.line) == [26])
        #expect(result.problems.first?.message.contains("no MD5, SHA1 or PDQ fingerprint") == true)
    }

    @Test("a bad fingerprint is reported at its line; the entry's other fingerprints are kept")
    func badFingerprint() throws {
        let secret = hex(10, 63)
        let input = """
            <queryResult>
              <images>
                <image>
                  <id>x</id>
                  <fingerprints>
                    <pdq>\(secret)</pdq>
                    <md5>\(hex(11, 32))</md5>
                    <sha1></sha1>
                  </fingerprints>
                </image>
                <deletedImage><member id="1">M</member></deletedImage>
              </images>
            </queryResult>
            """
        let result = try importList(.ncmec, input)
        #expect(result.hashes == [hash(.md5, 11)])
        #expect(
            result.problems == [
                ImportProblem(line: 6, message: "PDQ hash must be 64 hex digits (got 63 characters)"),
                ImportProblem(line: 8, message: "SHA-1 hash is empty"),
                ImportProblem(line: 11, message: "tombstone has no id"),
            ])
        #expect(problemsAreClean(result.problems, secrets: [secret]))
    }

    static let billionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
         <!ENTITY lol "lol">
         <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
         <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
        ]>
        <queryResult><images><image><id>&lol3;</id><fingerprints><md5>\(hex(20, 32))</md5></fingerprints></image></images></queryResult>
        """

    @Test(
        "DTDs, entity declarations and other encodings are refused before the parser sees them",
        arguments: [
            (billionLaughs, 2),
            ("<?xml version=\"1.0\"?>\n<!doctype queryResult SYSTEM \"file:///etc/passwd\">\n<queryResult/>", 2),
            ("<queryResult>\n<images>\n<!ENTITY x \"y\">\n</images></queryResult>", 3),
            ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<queryResult/>", 1),
            ("<?xml version='1.0' encoding='UTF-7'?><queryResult/>", 1),
        ])
    func refused(input: String, line: Int) {
        for chunkSize in [1, 3, 1 << 20] {
            let (delivered, error) = importFailing(.ncmec, input, chunkSize: chunkSize)
            #expect(delivered.entries.isEmpty && delivered.problems.isEmpty)
            #expect(error?.code == .unsupported)
            #expect(error?.message.hasPrefix("line \(line):") == true, "\(error?.message ?? "")")
        }
    }

    static func utf16(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        var bytes: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        return bytes
    }

    @Test(
        "inputs that libxml2 would decode as UTF-16, UTF-32 or EBCDIC are refused",
        arguments: [
            utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?><queryResult/>", bigEndian: false, bom: true),
            utf16("<!DOCTYPE x [<!ENTITY a \"b\">]><queryResult/>", bigEndian: true, bom: false),
            [0x00, 0x00, 0x00, 0x3C, 0x00, 0x00, 0x00, 0x3F],
            [0x4C, 0x6F, 0xA7, 0x94, 0x93, 0x40, 0xA5, 0x85, 0x99, 0xA2, 0x89, 0x96, 0x95],
            utf8BOMBytes + Array("<?xml version=\"1.0\" encoding=\"UTF-7\"?><queryResult/>".utf8),
        ])
    func otherEncodings(bytes: [UInt8]) {
        for chunkSize in [1, 2, 1 << 20] {
            var entries = 0
            let error = #expect(throws: IndexError.self) {
                try ListImporter.read(
                    .ncmec, chunks: chunked(bytes, size: chunkSize), entry: { _ in entries += 1 }, problem: { _ in })
            }
            #expect(error?.code == .unsupported)
            #expect(entries == 0)
        }
    }

    @Test("a UTF-8 BOM and a UTF-8 declaration are read", arguments: [1, 2, 1 << 20])
    func utf8BOM(chunkSize: Int) throws {
        let input =
            "\u{FEFF}<?xml version='1.0' encoding='utf-8'?>\n<queryResult><images><image><fingerprints>"
            + "<md5>\(hex(5, 32))</md5></fingerprints></image></images></queryResult>"
        let result = try importList(.ncmec, input, chunkSize: chunkSize)
        #expect(result.hashes == [hash(.md5, 5)])
        #expect(result.entries.first?.line == 2)
    }

    @Test("XML that is not well-formed stops the import after the entries before it")
    func notWellFormed() {
        let input = """
            <queryResult>
              <images>
                <image><fingerprints><md5>\(hex(30, 32))</md5></fingerprints></image>
                <image><fingerprints><md5>\(hex(31, 32))</sha1></fingerprints></image>
                <image><fingerprints><md5>\(hex(32, 32))</md5></fingerprints></image>
              </images>
            </queryResult>
            """
        let (delivered, error) = importFailing(.ncmec, input, chunkSize: 16)
        #expect(delivered.hashes == [hash(.md5, 30)])
        #expect(error?.code == .malformed)
        #expect(error?.message.hasPrefix("line 4:") == true, "\(error?.message ?? "")")
    }

    @Test(
        "a document that is not an entries page is refused",
        arguments: ["<status><member id=\"1\">x</member></status>", "", "  \n", "<?xml version=\"1.0\"?>\n"])
    func notAnEntriesPage(input: String) {
        let (delivered, error) = importFailing(.ncmec, input)
        #expect(delivered.entries.isEmpty)
        #expect(error?.code == .malformed)
    }
}
