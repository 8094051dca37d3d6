import Testing
import VigilIndex

@Suite("VICS and StopNCII import")
struct FormatsJSONTests {
    static let vicsV2 = """
        {
          "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media",
          "value": [
            {
              "MediaID": 1,
              "Category": 1,
              "MD5": "\(hex(1, 32).uppercased())",
              "SHA1": "\(hex(2, 40))",
              "MediaSize": 2835,
              "Series": "Series {A} [1]",
              "Tags": "t1, t2",
              "Comments": "escaped \\" quote and \\\\ backslash",
              "VictimIdentified": "true",
              "IsDistributed": false,
              "PhotoDNA": "AAAABBBB"
            },
            {
              "MediaID": "2",
              "Category": "0",
              "MD5": "",
              "SHA1": "\(hex(3, 40))",
              "Tags": ["x"],
              "IsDistributed": true,
              "DateUpdated": "2023-06-07T02:31:49.8300Z"
            },
            {
              "MediaID": 3,
              "PhotoDNA": "AAAA"
            }
          ]
        }
        """

    @Test("vics v2: one entry per hash with the Media's fields", arguments: chunkSizes)
    func vicsV2(chunkSize: Int) throws {
        let result = try importList(.vics, Self.vicsV2, chunkSize: chunkSize)
        #expect(result.hashes == [hash(.md5, 1), hash(.sha1, 2), hash(.sha1, 3)])
        #expect(result.entries.map(\.line) == [4, 4, 17])
        #expect(result.entries.map(\.externalID) == ["1", "1", "2"])
        #expect(result.entries.map(\.category) == ["1", "1", "0"])
        #expect(result.entries.map(\.label) == ["Series {A} [1]", "Series {A} [1]", nil])
        #expect(
            result.entries.map(\.tags) == [
                ["t1", "t2", "VictimIdentified"], ["t1", "t2", "VictimIdentified"], ["x", "IsDistributed"],
            ])
        #expect(result.entries.map(\.addedAt) == [nil, nil, "2023-06-07T02:31:49.8300Z"])
        #expect(
            result.problems == [
                ImportProblem(line: 26, message: "media has no MD5 or SHA1 (PhotoDNA is not supported)")
            ])
    }

    @Test("vics v1: Cases whose Media arrays hold the media", arguments: chunkSizes)
    func vicsV1Cases(chunkSize: Int) throws {
        let input = """
            \u{FEFF}{"odata.metadata":"http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Cases","value":[
              {"odata.id":"Case(1)","CaseNumber":"C-1","Media@odata.navigationLinkUrl":"/Case(1)/Media","Media":[
                {"MediaID":10,"MD5":"\(hex(10, 32))","Category":2,"MediaFiles":[{"FileName":"a.jpg","MD5":"\(hex(99, 32))"}]},
                {"MediaID":11,"SHA1":"\(hex(11, 40))","Category":1,"VictimIdentified":true}
              ],"CaseID":"1"},
              {"CaseID":"2","Media":[
                {"MediaID":12,"MD5":"\(hex(12, 32))","Category":3}
              ]},
              {"CaseID":"3","Media":[]}
            ]}
            """
        let result = try importList(.vics, input, chunkSize: chunkSize)
        #expect(result.problems.isEmpty)
        #expect(result.hashes == [hash(.md5, 10), hash(.sha1, 11), hash(.md5, 12)])
        #expect(result.entries.map(\.line) == [3, 4, 7])
        #expect(result.entries.map(\.category) == ["2", "1", "3"])
        #expect(result.entries.map(\.tags) == [[], ["VictimIdentified"], []])
    }

    @Test("vics: broken media are reported and the scanner resynchronises", arguments: [1, 1 << 20])
    func vicsBrokenElements(chunkSize: Int) throws {
        let input = """
            {"@odata.context": "x/2.0.xml/US/$metadata#Media", "value": [
              {"MediaID": 1, "MD5": "\(hex(40, 32))"},
              {"MediaID": 2, "MD5": "\(hex(41, 32))" "SHA1": "\(hex(42, 40))"},
              {"MediaID": 3, "MD5": "\(hex(43, 32))", "Tags": ["a", "b"},
              {"MediaID": 4, "MD5": "\(hex(44, 32))", "Category": tru},
              {"MediaID": 5, "Series": "secret series
              , "MD5": "\(hex(45, 32))"},
              {"MediaID": 6, "MD5": "\(hex(46, 31))"},
              {"MediaID": 7, "SHA1": "\(hex(47, 40))"}
            ]}
            """
        let result = try importList(.vics, input, chunkSize: chunkSize)
        #expect(result.hashes == [hash(.md5, 40), hash(.sha1, 47)])
        #expect(result.entries.map(\.line) == [2, 9])
        #expect(result.problemLines == [3, 4, 5, 6, 8])
        #expect(result.problems.prefix(4).allSatisfy { $0.message == "record is not valid JSON" })
        #expect(result.problems.last?.message == "MD5 hash must be 32 hex digits (got 31 characters)")
        #expect(problemsAreClean(result.problems, secrets: ["secret series", hex(46, 31)]))
    }

    @Test("vics: a record over the limit is skipped; the next one is read")
    func vicsOversizedRecord() throws {
        let input = """
            {"value": [
              {"MD5": "\(hex(50, 32))", "Comments": "\(String(repeating: "c", count: 400))"},
              {"MD5": "\(hex(51, 32))"}
            ]}
            """
        let result = try importList(.vics, input, chunkSize: 16, maxLineBytes: 300)
        #expect(result.hashes == [hash(.md5, 51)])
        #expect(result.problems == [ImportProblem(line: 2, message: "record is larger than 300 bytes; skipped")])
    }

    @Test("vics: a truncated file or one without a value array stops the import")
    func vicsStructurallyBroken() {
        let cut = Self.vicsV2.firstRange(of: "\"PhotoDNA\": \"AAAA\"")?.lowerBound ?? Self.vicsV2.endIndex
        let (delivered, error) = importFailing(.vics, String(Self.vicsV2[..<cut]), chunkSize: 5)
        #expect(delivered.hashes == [hash(.md5, 1), hash(.sha1, 2), hash(.sha1, 3)])
        #expect(error?.code == .malformed)
        #expect(error?.message.contains("the input ends inside the record that starts at line 26") == true)
        for text in ["{\"values\": []}", "<html><body>502</body></html>", "", "{\"value\": [{}]]}"] {
            #expect(importFailing(.vics, text).1?.code == .malformed, "\(text)")
        }
    }

    static let stopNCIIPage = """
        {
          "count": 3,
          "nextSetTimestamp": 1625175071,
          "nextPageToken": "W3siY29tcG9zaXRl",
          "hasMoreRecords": true,
          "hashRecords": [
            {
              "lastModtimestamp": 1625167804,
              "hashValue": "\(hex(60, 64))",
              "hashStatus": "Received",
              "caseNumbers": {"b-case": "Received", "a-case": "Received"},
              "signalType": "ImagePDQ"
            },
            {
              "lastModtimestamp": 1625175071,
              "hashValue": "\(hex(61, 32))",
              "hashStatus": "Withdrawn",
              "caseNumbers": {"c-case": "Withdrawn"},
              "signalType": "VideoMD5",
              "CSPFeedbacks": [{"source": "Facebook", "feedbackValue": "Blocked", "tags": ["Nude"]}]
            },
            {"signalType": "VideoTMK", "hashValue": "abc", "hashStatus": "Active", "caseNumbers": {}}
          ]
        }
        """

    @Test("stopncii: an API page", arguments: chunkSizes)
    func stopNCIIPage(chunkSize: Int) throws {
        let result = try importList(.stopncii, Self.stopNCIIPage, chunkSize: chunkSize)
        #expect(result.hashes == [hash(.pdq, 60), hash(.md5, 61)])
        #expect(result.entries.map(\.line) == [7, 14])
        #expect(result.entries.map(\.tags) == [["a-case", "b-case"], ["c-case"]])
        #expect(result.entries.map(\.addedAt) == ["2021-07-01T19:30:04Z", "2021-07-01T21:31:11Z"])
        #expect(result.entries.map(\.deleted) == [false, true])
        #expect(
            result.problems == [
                ImportProblem(line: 22, message: "signalType VideoTMK is not a hash kind Vigil matches")
            ])
    }

    @Test("stopncii: an array of API pages")
    func stopNCIIPages() throws {
        let input = "[\n" + Self.stopNCIIPage + ",\n{\"count\": 0, \"hashRecords\": []}\n]"
        let result = try importList(.stopncii, input, chunkSize: 7)
        #expect(result.hashes == [hash(.pdq, 60), hash(.md5, 61)])
        #expect(result.entries.map(\.line) == [8, 15])
        #expect(result.problemLines == [23])
    }

    @Test("stopncii: a JSON array of records", arguments: [1, 1 << 20])
    func stopNCIIArray(chunkSize: Int) throws {
        let input = """
            [
              {"signalType": "ImagePDQ", "hashValue": "\(hex(62, 64))", "hashStatus": "Active"},
              {"signalType": "ImageMD5", "hashValue": "\(hex(63, 32))", "hashStatus": "Deleted", "caseNumbers": ["k"]}
            ]
            """
        let result = try importList(.stopncii, input, chunkSize: chunkSize)
        #expect(result.problems.isEmpty)
        #expect(result.hashes == [hash(.pdq, 62), hash(.md5, 63)])
        #expect(result.entries.map(\.deleted) == [false, true])
        #expect(result.entries.map(\.tags) == [[], ["k"]])
        #expect(result.entries.map(\.line) == [2, 3])
    }

    @Test("stopncii: JSON lines, where a broken line costs only itself", arguments: [1, 1 << 20])
    func stopNCIIJSONLines(chunkSize: Int) throws {
        let secret = "SecretType" + hex(64, 20)
        let input = """
            \u{FEFF}{"signalType":"ImagePDQ","hashValue":"\(hex(65, 64))","hashStatus":"Active","caseNumbers":{"x":"Active"}}\r
            {"signalType":"ImagePDQ","hashValue":"\(hex(66, 64))","hashStatus":"Active","caseNumbers":{"x":"Active"}
            {"signalType":"ImageMD5","hashValue":"\(hex(67, 32))","hashStatus":"Deleted","lastModtimestamp":1700000000}

            {"count":1,"hashRecords":[{"signalType":"VideoMD5","hashValue":"\(hex(68, 32))","hashStatus":"Active"}]}
            {"signalType":"\(secret)","hashValue":"\(hex(69, 64))"}
            {"signalType":"ImagePDQ","hashValue":"\(hex(70, 60))"}
            """
        let result = try importList(.stopncii, input, chunkSize: chunkSize)
        #expect(result.hashes == [hash(.pdq, 65), hash(.md5, 67), hash(.md5, 68)])
        #expect(result.entries.map(\.line) == [1, 3, 5])
        #expect(result.entries.map(\.deleted) == [false, true, false])
        #expect(result.entries[1].addedAt == "2023-11-14T22:13:20Z")
        #expect(result.problemLines == [2, 6, 7])
        #expect(
            result.problems.map(\.message) == [
                "record is not a valid JSON object", "unknown signalType",
                "PDQ hash must be 64 hex digits (got 60 characters)",
            ])
        #expect(problemsAreClean(result.problems, secrets: [secret, hex(66, 64), hex(70, 60)]))
    }
}
