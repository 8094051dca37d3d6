import Foundation
import VigilCore
import VigilIndex
import VigilStore

/// The transparency report as JSON, text and HTML (charts as server-rendered inline SVG, no
/// scripts): one rendering shared by `GET /v1/transparency`, `/transparency` and `vigil stats`.
extension TransparencyReport {
    public var json: JSONValue {
        func seconds(_ v: Double?) -> JSONValue { v.map { JSONValue.int(Int($0.rounded())) } ?? .null }
        func removalJSON(_ r: RemovalTimes) -> JSONValue {
            .object([
                ("count", .int(r.count)), ("median_seconds", seconds(r.medianSeconds)), ("p90_seconds", seconds(r.p90Seconds)),
            ])
        }
        func month(_ m: TransparencyMonth) -> JSONValue {
            .object([
                ("month", .string(m.month)), ("scans", .int(m.scans)),
                (
                    "matches_by_bank",
                    .object(m.matchesByBank.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int($0.value)) })
                ),
                ("human_confirmed", .int(m.confirmed)), ("false_positives", .int(m.falsePositives)),
                ("reports_filed", .int(m.reportsFiled)), ("notices_sent", .int(m.noticesSent)),
                ("removals", removalJSON(m.removals)),
                ("reviewer_exposure", .object([("reveals", .int(m.reveals)), ("reviewers", .int(m.reviewers))])),
            ])
        }
        return .object([
            ("generated_at", .string(generatedAt)), ("months", .array(months.map(month))), ("totals", month(totals)),
            (
                "false_positive_rate_by_bank",
                .array(
                    banks.map { b -> JSONValue in
                        .object([
                            ("bank", .string(b.bank)), ("confirmed", .int(b.confirmed)),
                            ("false_positives", .int(b.falsePositives)),
                            (
                                "false_positive_rate",
                                b.falsePositiveRate.map { JSONValue.double(($0 * 10_000).rounded() / 10_000) } ?? .null
                            ),
                        ])
                    })
            ),
            ("time_to_removal", removalJSON(removals)),
            (
                "method",
                .string(
                    "Counts by UTC month. Matches: scans with a match in the bank. False-positive rate: false positives over "
                        + "human decisions on items matching the bank. Time to removal: first notice to the re-check that found the "
                        + "content gone; median and p90 by nearest rank.")
            ),
        ])
    }

    /// A plain-text table for the terminal.
    public var text: String {
        var lines = ["month     scans  matches  confirmed  false+  reports  notices  removed  ttr-median  ttr-p90  reveals"]
        for m in months + [totals] {
            let cells: [String] = [
                m.month.padding(toLength: 8, withPad: " ", startingAt: 0), pad(m.scans, 6),
                pad(m.matchesByBank.values.reduce(0, +), 8),
                pad(m.confirmed, 10), pad(m.falsePositives, 7), pad(m.reportsFiled, 8), pad(m.noticesSent, 8),
                pad(m.removals.count, 8), Self.duration(m.removals.medianSeconds).leftPadded(11),
                Self.duration(m.removals.p90Seconds).leftPadded(8), pad(m.reveals, 8),
            ]
            lines.append(cells.joined(separator: " "))
        }
        if !banks.isEmpty {
            lines.append("")
            lines.append("bank                      confirmed  false+  fp-rate")
            for b in banks {
                let rate = b.falsePositiveRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
                lines.append(
                    b.bank.padding(toLength: 24, withPad: " ", startingAt: 0) + " " + pad(b.confirmed, 10) + " "
                        + pad(b.falsePositives, 7) + " " + rate.leftPadded(8))
            }
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ n: Int, _ width: Int) -> String { String(n).leftPadded(width) }

    /// `3d 4h`, `2h 5m`, `40s`, or `-`.
    public static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        let s = Int(seconds.rounded())
        if s >= 86_400 { return "\(s / 86_400)d \(s % 86_400 / 3600)h" }
        if s >= 3600 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        if s >= 60 { return "\(s / 60)m \(s % 60)s" }
        return "\(s)s"
    }

    /// The public HTML page: totals, charts per series, the per-bank table. Every dynamic string
    /// is HTML-escaped; the SVG uses presentation attributes only (the CSP allows no inline style).
    public func html(stylesheet: String) -> String {
        let t = totals
        var body = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Transparency · Vigil</title>
            <link rel="stylesheet" href="\(MarkupText.escape(stylesheet))"></head><body><main>
            <h1>Transparency report</h1><p>Monthly aggregate numbers (UTC); no content and no hash lists. Generated \(MarkupText.escape(generatedAt)).</p>
            <table id="totals"><tr><th>Scans</th><th>Human-confirmed</th><th>Reports filed</th><th>Notices sent</th>
            <th>Removed</th><th>Median time to removal</th><th>p90 time to removal</th><th>Reviewer reveals</th></tr>
            <tr><td>\(t.scans)</td><td>\(t.confirmed)</td><td>\(t.reportsFiled)</td><td>\(t.noticesSent)</td><td>\(t.removals.count)</td>
            <td>\(Self.duration(removals.medianSeconds))</td><td>\(Self.duration(removals.p90Seconds))</td><td>\(t.reveals)</td></tr></table>
            """
        let series: [(String, String, (TransparencyMonth) -> Double)] = [
            ("scans", "Scans", { Double($0.scans) }),
            ("matches", "Matches (all banks)", { Double($0.matchesByBank.values.reduce(0, +)) }),
            ("confirmed", "Human-confirmed items", { Double($0.confirmed) }),
            ("reports", "Reports filed", { Double($0.reportsFiled) }),
            ("notices", "Takedown notices sent", { Double($0.noticesSent) }),
            ("ttr-median", "Median time to removal (hours)", { ($0.removals.medianSeconds ?? 0) / 3600 }),
            ("ttr-p90", "p90 time to removal (hours)", { ($0.removals.p90Seconds ?? 0) / 3600 }),
            ("reveals", "Reviewer reveals", { Double($0.reveals) }),
        ]
        for (id, title, value) in series {
            body +=
                "<section><h2>\(MarkupText.escape(title))</h2>" + Self.barChart(id: id, months.map { ($0.month, value($0)) })
                + "</section>"
        }
        body +=
            "<h2>False-positive rate by bank</h2><table id=\"banks\"><tr><th>Bank</th><th>Confirmed</th><th>False positives</th><th>Rate</th></tr>"
        for b in banks {
            let rate = b.falsePositiveRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
            body +=
                "<tr><td>\(MarkupText.escape(b.bank))</td><td>\(b.confirmed)</td><td>\(b.falsePositives)</td><td>\(rate)</td></tr>"
        }
        body += "</table><p><a href=\"/v1/transparency\">These numbers as JSON</a></p></main></body></html>\n"
        return body
    }

    /// A bar chart: one bar per month, the largest value full height, labelled.
    static func barChart(id: String, _ points: [(String, Double)]) -> String {
        let width = 640, height = 160, top = 14, bottom = 20
        let maximum = max(points.map(\.1).max() ?? 0, 0)
        let slot = Double(width) / Double(max(points.count, 1))
        var svg =
            "<svg id=\"chart-\(MarkupText.escape(id))\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(MarkupText.escape(id)) by month\">"
        for (i, (label, value)) in points.enumerated() {
            let h = maximum > 0 ? Double(height - top - bottom) * value / maximum : 0
            let x = Double(i) * slot + slot * 0.15
            let y = Double(height - bottom) - h
            let shown = value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
            svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(slot * 0.7))\" height=\"\(fmt(h))\" fill=\"#3b6ea5\">"
            svg += "<title>\(MarkupText.escape(label)): \(shown)</title></rect>"
            svg +=
                "<text x=\"\(fmt(x + slot * 0.35))\" y=\"\(fmt(max(Double(top) - 2, y - 3)))\" font-size=\"10\" text-anchor=\"middle\">\(shown)</text>"
            svg +=
                "<text x=\"\(fmt(x + slot * 0.35))\" y=\"\(height - 6)\" font-size=\"9\" text-anchor=\"middle\">\(MarkupText.escape(String(label.suffix(5))))</text>"
        }
        return svg + "</svg>"
    }

    private static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
