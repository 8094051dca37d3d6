import Foundation
import VigilIndex

/// Writes `<report>` and `<fileDetails>` with the elements in the order of NCMEC's schema
/// sequences (NCMEC answers out-of-order elements with 4100). Every text is escaped; characters
/// XML 1.0 cannot carry become U+FFFD. A draft with problems is refused before any XML exists.
public enum CyberTipXML {
    public static func report(_ report: CyberTipReport) throws(ReportingError) -> String {
        try report.validate()
        var xml = XMLBuilder()
        xml.open("report")
        xml.open("incidentSummary")
        xml.leaf("incidentType", report.incident.type.rawValue)
        xml.leaf("incidentDateTime", report.incident.dateTime)
        xml.leaf("incidentDateTimeDescription", report.incident.dateTimeDescription)
        xml.close("incidentSummary")
        if let internet = report.internet {
            xml.open("internetDetails")
            switch internet.kind {
            case .webPage:
                xml.open("webPageIncident")
                for url in internet.values { xml.leaf("url", url) }
                xml.close("webPageIncident")
            case .email:
                xml.open("emailIncident")
                for address in internet.values { xml.leaf("emailAddress", address) }
                xml.close("emailIncident")
            case .chatIm:
                xml.open("chatImIncident")
                xml.leaf("chatClient", internet.chatClient)
                xml.leaf("chatRoomName", internet.chatRoomName)
                xml.close("chatImIncident")
            }
            xml.close("internetDetails")
        }
        let reporter = report.reporter
        xml.open("reporter")
        xml.open("reportingPerson")
        xml.leaf("firstName", reporter.firstName)
        xml.leaf("lastName", reporter.lastName)
        xml.leaf("phone", reporter.phone)
        xml.leaf("email", reporter.email)
        xml.close("reportingPerson")
        xml.leaf("companyTemplate", reporter.companyTemplate)
        xml.leaf("legalURL", reporter.legalUrl)
        xml.close("reporter")
        if let user = report.reported, !user.isEmpty {
            xml.open("personOrUserReported")
            if let email = user.email {
                xml.open("personOrUserReportedPerson")
                xml.leaf("email", email)
                xml.close("personOrUserReportedPerson")
            }
            xml.leaf("espIdentifier", user.espIdentifier)
            xml.leaf("screenName", user.screenName)
            xml.leaf("displayName", user.displayName)
            for event in user.ipCaptureEvents { ipCaptureEvent(event, &xml) }
            xml.close("personOrUserReported")
        }
        xml.close("report")
        return xml.text
    }

    /// `<fileDetails>` for a file uploaded to report `reportID` as `fileID`.
    public static func fileDetails(reportID: String, fileID: String, file: CyberTipReport.ReportFile) throws(ReportingError)
        -> String
    {
        guard !reportID.isEmpty, !fileID.isEmpty else {
            throw ReportingError(.invalidDraft, "fileDetails needs a report and a file id")
        }
        guard CyberTipReport.isMD5(file.md5) else { throw ReportingError(.invalidDraft, "file \(file.itemId) has no MD5") }
        var xml = XMLBuilder()
        xml.open("fileDetails")
        xml.leaf("reportId", reportID)
        xml.leaf("fileId", fileID)
        xml.leaf("originalFileName", file.originalFileName)
        xml.leaf("fileViewedByEsp", String(file.viewedByEsp))
        xml.leaf("exifViewedByEsp", file.exifViewedByEsp.map { String($0) })
        xml.leaf("publiclyAvailable", file.publiclyAvailable.map { String($0) })
        xml.leaf("fileRelevance", file.relevance)
        if !file.annotations.isEmpty {
            xml.open("fileAnnotations")
            // The schema's sequence order, whatever order the draft lists them in.
            for annotation in CyberTipReport.FileAnnotation.allCases where file.annotations.contains(annotation) {
                xml.empty(annotation.rawValue)
            }
            xml.close("fileAnnotations")
        }
        xml.leaf("industryClassification", file.industryClassification)
        xml.leaf("originalFileHash", file.md5.lowercased(), attributes: [("hashType", "MD5")])
        xml.close("fileDetails")
        return xml.text
    }

    private static func ipCaptureEvent(_ event: CyberTipReport.IPCaptureEvent, _ xml: inout XMLBuilder) {
        xml.open("ipCaptureEvent")
        xml.leaf("ipAddress", event.ipAddress)
        xml.leaf("eventName", event.eventName?.rawValue)
        xml.leaf("dateTime", event.dateTime)
        xml.leaf("possibleProxy", event.possibleProxy.map { String($0) })
        xml.close("ipCaptureEvent")
    }
}

/// A minimal writer: no namespaces, one element per line, omitted optionals.
struct XMLBuilder {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var depth = 0

    private var indent: String { String(repeating: "  ", count: depth) }

    mutating func open(_ name: String) {
        text += "\(indent)<\(name)>\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += "\(indent)</\(name)>\n"
    }

    mutating func empty(_ name: String) { text += "\(indent)<\(name)/>\n" }

    /// Nothing when `value` is nil or blank.
    mutating func leaf(_ name: String, _ value: String?, attributes: [(String, String)] = []) {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return }
        let attrs = attributes.map { " \($0.0)=\"\(MarkupText.escape($0.1))\"" }.joined()
        text += "\(indent)<\(name)\(attrs)>\(MarkupText.escape(value))</\(name)>\n"
    }
}
