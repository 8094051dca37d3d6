import Testing
import VigilIndex

/// A bad record in each format, carrying content that must not reach a problem message.
struct LeakCase: Sendable, CustomTestStringConvertible {
    let format: ListFormat
    let input: String
    let secrets: [String]

    var testDescription: String { format.rawValue }

    static let label = "Secret Series Name"
    static let short = hex(900, 63)
    static let badDigit = String(hex(901, 31)) + "z"

    static let all = [
        LeakCase(format: .text, input: "\(short)\n\(badDigit)\nsha1:\(short)\n", secrets: [short, badDigit]),
        LeakCase(
            format: .csv, input: "\(short),\(label)\n\(badDigit),\(label)\n\(hex(902, 32)),\(label),extra\n",
            secrets: [short, badDigit, label]),
        LeakCase(
            format: .hma,
            input: "pdq,\(short),\(label),POSITIVE_CLASS,\(label)\n\(label),\(hex(903, 64)),,,\n"
                + "video_md5,\(badDigit),\(label),,\n",
            secrets: [short, badDigit, label]),
        LeakCase(
            format: .vics,
            input: """
                {"value": [{"MD5": "\(short)", "Series": "\(label)"}, {"SHA1": "\(badDigit)", "Series": "\(label)"},
                {"Series": "\(label)", "PhotoDNA": "\(short)"}, {"MD5": "\(hex(904, 32))", "Series": \(label)}]}
                """,
            secrets: [short, badDigit, label]),
        LeakCase(
            format: .stopncii,
            input: """
                {"signalType": "ImagePDQ", "hashValue": "\(short)", "caseNumbers": {"\(label)": "Active"}}
                {"signalType": "\(label)", "hashValue": "\(hex(905, 64))"}
                {"signalType": "ImagePDQ", "hashValue": "\(badDigit)"
                """,
            secrets: [short, badDigit, label]),
        LeakCase(
            format: .ncmec,
            input: """
                <queryResult><images>
                <image><member id="1">\(label)</member><fingerprints><pdq>\(short)</pdq></fingerprints></image>
                <image><member id="1">\(label)</member><fingerprints><md5>\(badDigit)</md5></fingerprints></image>
                <image><id>\(label)</id><fingerprints><pdna>\(short)</pdna></fingerprints></image>
                </images></queryResult>
                """,
            secrets: [short, badDigit, label]),
    ]
}

@Test("problem messages never quote hashes or labels from the list", arguments: LeakCase.all)
func problemsDoNotLeak(_ leak: LeakCase) throws {
    let result = try importList(leak.format, leak.input)
    #expect(result.entries.isEmpty)
    #expect(result.problems.count >= 3)
    #expect(problemsAreClean(result.problems, secrets: leak.secrets))
}
