import Foundation
import Testing
import VigilReporting
import VigilStore

@Suite("CyberTipline XML")
struct XMLTests {
    /// The child element names of `parent`'s first occurrence, in document order (one level).
    static func children(of parent: String, in xml: String) -> [String] {
        guard let start = xml.range(of: "<\(parent)>"), let end = xml.range(of: "</\(parent)>") else { return [] }
        var names: [String] = []
        var depth = 0
        let body = xml[start.upperBound..<end.lowerBound]
        var i = body.startIndex
        while let open = body[i...].firstIndex(of: "<") {
            let close = body[open...].firstIndex(of: ">")!
            let tag = body[body.index(after: open)..<close]
            if tag.hasPrefix("/") {
                depth -= 1
            } else {
                let name = String(tag.split(separator: " ")[0]).replacingOccurrences(of: "/", with: "")
                if depth == 0 { names.append(name) }
                if !tag.hasSuffix("/") { depth += 1 }
            }
            i = body.index(after: close)
        }
        return names
    }

    @Test("<report> validates against the schema fixture (xmllint) and keeps the schema's element order")
    func reportValidates() throws {
        let xml = try CyberTipXML.report(sampleReport())
        #expect(try xmllint(xml) == nil)
        #expect(
            Self.children(of: "report", in: xml) == ["incidentSummary", "internetDetails", "reporter", "personOrUserReported"])
        #expect(Self.children(of: "incidentSummary", in: xml) == ["incidentType", "incidentDateTime"])
        #expect(Self.children(of: "reportingPerson", in: xml) == ["firstName", "lastName", "phone", "email"])
        #expect(
            Self.children(of: "personOrUserReported", in: xml) == [
                "personOrUserReportedPerson", "espIdentifier", "screenName", "ipCaptureEvent",
            ])
        #expect(Self.children(of: "ipCaptureEvent", in: xml) == ["ipAddress", "eventName", "dateTime"])
        // Escaped text, not markup: the screen name and the URL's query survive as data.
        #expect(xml.contains("<screenName>x&lt;y&gt;&amp;z</screenName>"))
        #expect(xml.contains("<url>https://photos.example.org/u/x?a=1&amp;b=2</url>"))
    }

    @Test("the schema fixture refuses out-of-order elements and a report without the reporter's email")
    func fixtureIsStrict() throws {
        let xml = try CyberTipXML.report(sampleReport())
        let swapped = xml.replacingOccurrences(of: "<firstName>Rae</firstName>\n", with: "")
            .replacingOccurrences(
                of: "<lastName>Porter</lastName>", with: "<lastName>Porter</lastName><firstName>Rae</firstName>")
        #expect(try xmllint(swapped) != nil)
        let noEmail = xml.replacingOccurrences(of: "<email>safety@example.org</email>", with: "")
        #expect(try xmllint(noEmail) != nil)
    }

    @Test("<fileDetails> validates, in order, with fileViewedByEsp, the A1–B2 class, generativeAi and the MD5")
    func fileDetailsValidate() throws {
        let report = sampleReport()
        for (i, file) in report.files.enumerated() {
            let xml = try CyberTipXML.fileDetails(reportID: "1234", fileID: "f\(i)", file: file)
            #expect(try xmllint(xml) == nil)
            let expected =
                ["reportId", "fileId", "originalFileName", "fileViewedByEsp", "exifViewedByEsp", "fileRelevance"]
                + (file.annotations.isEmpty ? [] : ["fileAnnotations"]) + ["industryClassification", "originalFileHash"]
            #expect(Self.children(of: "fileDetails", in: xml) == expected)
            #expect(xml.contains("<fileViewedByEsp>\(i == 0)</fileViewedByEsp>"))
            #expect(xml.contains(#"<originalFileHash hashType="MD5">\#(file.md5)</originalFileHash>"#))
            #expect(xml.contains("<originalFileName>pic \(i) &lt;&quot;&amp;&#39;&gt;.png</originalFileName>"))
        }
        let annotated = try CyberTipXML.fileDetails(reportID: "1", fileID: "f", file: report.files[1])
        // Listed viral-first in the draft; written in the schema's sequence order.
        #expect(Self.children(of: "fileAnnotations", in: annotated) == ["generativeAi", "viral"])
    }

    @Test("characters XML cannot carry are replaced, so the document stays well-formed")
    func controlCharacters() throws {
        var report = sampleReport(files: 1)
        report.reported?.screenName = "bad\u{0}name\u{1B}"
        let xml = try CyberTipXML.report(report)
        #expect(try xmllint(xml) == nil)
        #expect(xml.contains("bad\u{FFFD}name\u{FFFD}"))
    }

    struct Broken: Sendable, CustomTestStringConvertible {
        var name: String
        var mutate: @Sendable (inout CyberTipReport) -> Void
        var mentions: String
        var testDescription: String { name }
    }

    @Test(
        "drafts missing required fields are refused with a message naming the field",
        arguments: [
            Broken(name: "no reporter email", mutate: { $0.reporter.email = nil }, mentions: "reporter.email is required"),
            Broken(name: "blank reporter email", mutate: { $0.reporter.email = "  " }, mentions: "reporter.email is required"),
            Broken(name: "malformed email", mutate: { $0.reporter.email = "safety at example" }, mentions: "reporter.email"),
            Broken(name: "no last name", mutate: { $0.reporter.lastName = nil }, mentions: "last_name"),
            Broken(name: "bad incident time", mutate: { $0.incident.dateTime = "yesterday" }, mentions: "incident.date_time"),
            Broken(name: "no files", mutate: { $0.files = [] }, mentions: "at least one file"),
            Broken(name: "no MD5", mutate: { $0.files[0].md5 = "" }, mentions: "MD5"),
            Broken(name: "bad class", mutate: { $0.files[0].industryClassification = "VIC1" }, mentions: "A1, A2, B1 or B2"),
            Broken(
                name: "bad IP", mutate: { $0.reported?.ipCaptureEvents[0].ipAddress = "999.1.1.1" }, mentions: "ip_address"),
            Broken(name: "no evidence", mutate: { $0.files[0].evidenceId = nil }, mentions: "no preserved evidence"),
        ])
    func refusesBrokenDrafts(_ broken: Broken) {
        var report = sampleReport()
        broken.mutate(&report)
        #expect(throws: ReportingError.self) { try CyberTipXML.report(report) }
        do {
            _ = try CyberTipXML.report(report)
        } catch {
            #expect(error.code == .invalidDraft)
            #expect(error.message.contains(broken.mentions), "\(error.message)")
        }
    }

    @Test("incident times with a numeric zone are accepted")
    func zonedTimes() throws {
        var report = sampleReport(files: 1)
        report.incident.dateTime = "2026-11-20T03:15:00-07:00"
        #expect(try xmllint(try CyberTipXML.report(report)) == nil)
    }
}

@Suite("CyberTipline responses")
struct ResponseTests {
    @Test(
        "every documented response code maps to what the sender must do",
        arguments: [
            (0, ReportResponse.Outcome.ok), (1000, .retry), (1100, .retry), (1110, .retry), (1111, .retry),
            (2000, .authentication), (3000, .authentication), (4000, .invalidDraft), (4100, .invalidDraft),
            (4110, .invalidDraft), (5001, .missing), (5002, .missing), (5101, .alreadyRetracted), (5102, .alreadyFinished),
            (9999, .retry),
        ])
    func outcomes(code: Int, outcome: ReportResponse.Outcome) throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <reportResponse><responseCode>\(code)</responseCode><responseDescription>d &amp; e</responseDescription>
            <reportId>42</reportId></reportResponse>
            """
        let parsed = try ReportResponse.parse(text)
        #expect(parsed.code == code)
        #expect(parsed.outcome == outcome)
        #expect(parsed.description == "d & e")
        #expect(parsed.reportID == "42")
    }

    @Test(
        "answers that are not a <reportResponse> are protocol errors",
        arguments: ["", "<html>502</html>", "<reportResponse><responseCode>x</responseCode></reportResponse>"])
    func malformed(text: String) {
        #expect(throws: ReportingError.self) { try ReportResponse.parse(text) }
    }
}
