import Foundation
import VigilStore

/// What a person adds to a draft beyond what the review record says: the account reported,
/// where the incident happened, and corrections to the incident.
public struct DraftDetails: Codable, Sendable, Equatable {
    public var incidentType: CyberTipReport.IncidentType?
    /// ISO 8601 with a zone; default: the earliest upload among the items.
    public var incidentDateTime: String?
    public var internet: CyberTipReport.InternetDetails?
    public var reported: CyberTipReport.ReportedUser?
    public var publiclyAvailable: Bool?

    public init(
        incidentType: CyberTipReport.IncidentType? = nil, incidentDateTime: String? = nil,
        internet: CyberTipReport.InternetDetails? = nil, reported: CyberTipReport.ReportedUser? = nil,
        publiclyAvailable: Bool? = nil
    ) {
        self.incidentType = incidentType
        self.incidentDateTime = incidentDateTime
        self.internet = internet
        self.reported = reported
        self.publiclyAvailable = publiclyAvailable
    }
}

/// Builds report drafts from confirmed review items: one file per item, with its MD5 from the
/// scan, `fileViewedByEsp` from the reveals recorded for it, the confirmed category as the
/// industry classification, and `generativeAi` when the item's `synthetic` signal (C2PA
/// `trainedAlgorithmicMedia`, IPTC/XMP source type, generator metadata or a model's watermark) says
/// AI-generated.
public enum ReportDrafter {
    public static func draft(
        _ facts: [ReportItemFacts], reporter: CyberTipReport.Reporter, details: DraftDetails = DraftDetails()
    ) -> CyberTipReport {
        let files = facts.map(file)
        let earliest = facts.compactMap(\.scannedAt).min() ?? facts.map(\.item.createdAt).min() ?? ""
        return CyberTipReport(
            incident: .init(type: details.incidentType ?? .childPornography, dateTime: details.incidentDateTime ?? earliest),
            internet: details.internet, reporter: reporter, reported: details.reported,
            files: files.map { f in
                var f = f
                if let available = details.publiclyAvailable { f.publiclyAvailable = available }
                return f
            })
    }

    static func file(_ facts: ReportItemFacts) -> CyberTipReport.ReportFile {
        let item = facts.item
        let result = facts.scanResult.flatMap(json) as? [String: Any]
        let md5 = ((result?["hashes"] as? [String: Any])?["md5"] as? String) ?? ""
        var evidence: [String] = []
        var generative = false
        // The review item's signals, and the scan's own (the same list today; either may be absent).
        let signalLists = [json(item.signals) as? [Any], result?["signals"] as? [Any]].compactMap { $0 }
        for signal in signalLists.first ?? [] {
            guard let signal = signal as? [String: Any], signal["type"] as? String == "synthetic",
                let body = signal["signal"] as? [String: Any]
            else { continue }
            if body["verdict"] as? String == "ai-generated" {
                generative = true
                for e in body["evidence"] as? [[String: Any]] ?? [] {
                    if let detail = e["detail"] as? String { evidence.append("generativeAi: \(detail)") }
                }
            }
        }
        let category = item.decisionCategory.flatMap { ["A1", "A2", "B1", "B2"].contains($0) ? $0 : nil }
        let ext = facts.evidence?.format.map { "." + $0 } ?? ""
        return CyberTipReport.ReportFile(
            itemId: item.id, evidenceId: item.evidenceID, originalFileName: item.filename ?? "item-\(item.id)\(ext)",
            viewedByEsp: facts.reveals > 0, exifViewedByEsp: false, publiclyAvailable: nil,
            annotations: generative ? [.generativeAi] : [], industryClassification: category, md5: md5.lowercased(),
            annotationEvidence: evidence)
    }

    private static func json(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Applies a person's edits to a stored draft (the reporter stays the configured template).
    public static func edit(_ report: CyberTipReport, with details: DraftDetails) -> CyberTipReport {
        var report = report
        if let v = details.incidentType { report.incident.type = v }
        if let v = details.incidentDateTime { report.incident.dateTime = v }
        if let v = details.internet { report.internet = v }
        if let v = details.reported { report.reported = v }
        if let v = details.publiclyAvailable {
            for i in report.files.indices { report.files[i].publiclyAvailable = v }
        }
        return report
    }

    /// The JSON coding of drafts (snake_case keys), shared by the store and the API.
    public static func encode(_ report: CyberTipReport) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public static func decode(_ text: String) throws(ReportingError) -> CyberTipReport {
        do {
            return try decoder.decode(CyberTipReport.self, from: Data(text.utf8))
        } catch {
            throw ReportingError(.invalidDraft, "the stored draft cannot be read")
        }
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
