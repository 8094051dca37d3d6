import Foundation
import VigilCore
import VigilIndex

/// The formats `vigil report` writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    case html, json, csv, vics
}

/// A case's report: every item, the groups, the errors and the chain of custody (tool version,
/// scan runs, exact bank versions). Output goes to `sink` piece by piece.
public struct CaseReport: Sendable {
    public var caseName: String
    public var toolVersion: String
    public var items: [CaseItem]
    public var runs: [ScanRun]
    public var groups: CaseGroups
    public var threshold: Int

    public init(caseName: String, toolVersion: String, items: [CaseItem], runs: [ScanRun], threshold: Int, qualityFloor: Int) {
        self.caseName = caseName
        self.toolVersion = toolVersion
        self.items = items
        self.runs = runs
        self.threshold = threshold
        groups = CaseGroups(items: items, threshold: threshold, qualityFloor: qualityFloor)
    }

    /// Counts by outcome, every outcome present (zeros included).
    public var outcomeCounts: [(Outcome, Int)] {
        var counts: [Outcome: Int] = [:]
        for item in items { counts[item.outcome, default: 0] += 1 }
        return Outcome.allCases.map { ($0, counts[$0] ?? 0) }
    }

    /// Positive, unsuppressed matches by bank.
    public var matchesByBank: [(String, Int)] {
        var counts: [String: Int] = [:]
        for item in items {
            for bank in Set(item.matches.filter { !$0.negative && !$0.suppressed }.map(\.bank)) { counts[bank, default: 0] += 1 }
        }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Items whose synthetic signal says AI-generated.
    public var syntheticCount: Int { items.filter { $0.signals.contains("\"ai-generated\"") }.count }

    public func write(_ format: ReportFormat, previews: PreviewRenderer? = nil, maxPreviews: Int = 200, to sink: (String) -> Void)
        throws(TriageError)
    {
        switch format {
        case .json: sink(json.serialized + "\n")
        case .csv: writeCSV(sink)
        case .vics:
            do {
                try ListExporter.write(.vics, entries: vicsEntries, to: sink)
            } catch {
                throw TriageError(.invalid, error.message, cause: error)
            }
        case .html: writeHTML(previews: previews, maxPreviews: maxPreviews, sink)
        }
    }

    // MARK: JSON

    var custodyJSON: JSONValue {
        .array(
            runs.map { run in
                .object([
                    ("run", .int(Int(run.id))), ("started_at", .string(run.startedAt)),
                    ("tool_version", .string(run.toolVersion)), ("arguments", .string(run.arguments)),
                    (
                        "banks",
                        .array(
                            run.banks.map { b in
                                .object([
                                    ("bank", .string(b.bank)), ("version", .int(Int(b.version))),
                                    ("pdq_entries", .int(b.pdqEntries)), ("digest_entries", .int(b.digestEntries)),
                                ])
                            })
                    ),
                ])
            })
    }

    func itemJSON(_ item: CaseItem) -> JSONValue {
        .object([
            ("path", .string(item.path)), ("container", JSONValue(item.container)), ("size", .int(item.size)),
            ("format", JSONValue(item.format)), ("width", JSONValue(item.width)), ("height", JSONValue(item.height)),
            ("md5", JSONValue(item.md5)), ("sha1", JSONValue(item.sha1)), ("sha256", JSONValue(item.sha256)),
            ("pdq", JSONValue(item.pdq)), ("quality", JSONValue(item.quality)), ("outcome", .string(item.outcome.rawValue)),
            (
                "matches",
                .array(
                    item.matches.map { m in
                        .object([
                            ("bank", .string(m.bank)), ("entry", .int(Int(m.entry))), ("kind", .string(m.kind)),
                            ("distance", .int(m.distance)), ("label", JSONValue(m.label)), ("category", JSONValue(m.category)),
                            ("negative", .bool(m.negative)), ("suppressed", .bool(m.suppressed)),
                        ])
                    })
            ),
            ("signals", .string(item.signals)), ("error", JSONValue(item.error)),
        ])
    }

    public var json: JSONValue {
        .object([
            ("case", .string(caseName)), ("tool_version", .string(toolVersion)), ("runs", custodyJSON),
            ("summary", .object(outcomeCounts.map { ($0.0.rawValue, .int($0.1)) })),
            ("items", .array(items.map(itemJSON))),
            ("exact_duplicates", .array(groups.exactDuplicates.map { .array($0.map { .string(items[$0].path) }) })),
            (
                "clusters",
                .array(
                    groups.clusters.map { c in
                        .object([
                            ("representative", .string(items[c.representative].path)),
                            ("members", .array(c.members.map { .string(items[$0].path) })),
                        ])
                    })
            ),
            (
                "errors",
                .array(
                    items.filter { $0.outcome == .error }.map {
                        .object([("path", .string($0.path)), ("code", JSONValue($0.errorCode)), ("error", JSONValue($0.error))])
                    })
            ),
        ])
    }

    // MARK: CSV

    static let csvHeader = [
        "path", "container", "size", "format", "width", "height", "md5", "sha1", "sha256", "pdq", "quality", "outcome",
        "matches", "cluster", "error",
    ]

    func writeCSV(_ sink: (String) -> Void) {
        var clusterOf: [Int: Int] = [:]
        for (c, cluster) in groups.clusters.enumerated() { for m in cluster.members { clusterOf[m] = c + 1 } }
        sink(Self.csvHeader.joined(separator: ",") + "\r\n")
        for (i, item) in items.enumerated() {
            let matches = item.matches.map { "\($0.bank):\($0.kind):\($0.distance)" }.joined(separator: " ")
            let fields: [String?] = [
                item.path, item.container, String(item.size), item.format, item.width.map(String.init),
                item.height.map(String.init), item.md5, item.sha1, item.sha256, item.pdq, item.quality.map(String.init),
                item.outcome.rawValue, matches, clusterOf[i].map(String.init), item.error,
            ]
            sink(fields.map { CSVText.field($0 ?? "") }.joined(separator: ",") + "\r\n")
        }
    }

    // MARK: VICS

    /// One VICS Media per hashed item (MD5 + SHA1), MediaID its 1-based position in path order;
    /// a positive match gives Category and Series; the outcome is a tag.
    public var vicsEntries: [ExportEntry] {
        var entries: [ExportEntry] = []
        for (i, item) in items.enumerated() {
            guard let md5 = item.md5, let sha1 = item.sha1,
                let md5Value = HashValue(kind: .md5, hex: md5), let sha1Value = HashValue(kind: .sha1, hex: sha1)
            else { continue }
            let best = item.matches.first { !$0.negative && !$0.suppressed }
            for hash in [md5Value, sha1Value] {
                entries.append(
                    ExportEntry(
                        hash: hash, label: best?.label, category: best?.category, externalID: String(i + 1),
                        tags: [item.outcome.rawValue]))
            }
        }
        return entries
    }

    // MARK: HTML

    func writeHTML(previews: PreviewRenderer?, maxPreviews: Int, _ sink: (String) -> Void) {
        var previewBudget = maxPreviews
        func preview(_ index: Int) -> String {
            guard let previews, previewBudget > 0 else { return "" }
            let item = items[index]
            guard item.outcome == .match || item.outcome == .media else { return "" }
            previewBudget -= 1
            guard let bmp = try? previews.preview(of: item) else { return "<span class=\"np\">no preview</span>" }
            return "<img class=\"pv\" alt=\"blurred greyscale preview\" data-path=\"\(Self.html(item.path))\" "
                + "src=\"data:image/bmp;base64,"
                + Data(bmp).base64EncodedString() + "\">"
        }
        sink(
            """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Vigil case \(Self.html(caseName))</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0}
            td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}th{background:#eee}
            .pv{width:96px;image-rendering:auto}.np{color:#888}code{font-size:12px}h2{margin-top:1.5em}
            .charts{display:flex;gap:2em;flex-wrap:wrap}
            </style></head><body>
            <h1>Vigil case report: \(Self.html(caseName))</h1>
            <p>Previews are small, greyscale and blurred, rendered by Vigil from the decoded image; originals are not embedded.</p>

            """)
        sink("<h2>Chain of custody</h2><p>Report by Vigil \(Self.html(toolVersion)).</p>")
        sink(
            "<table id=\"custody\"><tr><th>run</th><th>started</th><th>tool version</th><th>arguments</th><th>banks (version, PDQ/digest entries)</th></tr>"
        )
        for run in runs {
            let banks = run.banks.map { "\(Self.html($0.bank)) v\($0.version) (\($0.pdqEntries)/\($0.digestEntries))" }
            sink(
                "<tr><td>\(run.id)</td><td>\(Self.html(run.startedAt))</td><td>\(Self.html(run.toolVersion))</td>"
                    + "<td><code>\(Self.html(run.arguments))</code></td><td>\(banks.joined(separator: "<br>"))</td></tr>")
        }
        sink("</table>\n<h2>Summary</h2><div class=\"charts\">")
        sink(Self.barChart(title: "Files by outcome", bars: outcomeCounts.map { ($0.0.rawValue, $0.1) }))
        var signals = matchesByBank.map { ("match: " + $0.0, $0.1) }
        signals.append(("AI-generated (watermark)", syntheticCount))
        signals.append(("near-duplicate clusters", groups.clusters.count))
        signals.append(("exact duplicate groups", groups.exactDuplicates.count))
        sink(Self.barChart(title: "Signals and groups", bars: signals))
        sink(
            "</div>\n<h2>Matches</h2><table id=\"matches\"><tr><th>preview</th><th>path</th><th>bank</th><th>kind</th><th>distance</th><th>label</th><th>category</th></tr>"
        )
        for (i, item) in items.enumerated() where item.outcome == .match {
            let positive = item.matches.filter { !$0.negative && !$0.suppressed }
            for (k, m) in positive.enumerated() {
                let cell =
                    k == 0
                    ? "<td rowspan=\"\(positive.count)\">\(preview(i))</td><td rowspan=\"\(positive.count)\">\(Self.html(item.path))</td>"
                    : ""
                sink(
                    "<tr>\(cell)<td>\(Self.html(m.bank))</td><td>\(m.kind)</td><td>\(m.distance)</td>"
                        + "<td>\(Self.html(m.label ?? ""))</td><td>\(Self.html(m.category ?? ""))</td></tr>")
            }
        }
        sink(
            "</table>\n<h2>Near-duplicate clusters (PDQ ≤ \(threshold))</h2><table id=\"clusters\"><tr><th>representative</th><th>members</th></tr>"
        )
        for cluster in groups.clusters {
            let members = cluster.members.map {
                ($0 == cluster.representative ? "<b>" : "") + Self.html(items[$0].path)
                    + ($0 == cluster.representative ? "</b>" : "")
            }
            sink("<tr><td>\(preview(cluster.representative))</td><td>\(members.joined(separator: "<br>"))</td></tr>")
        }
        sink("</table>\n<h2>Exact duplicates (SHA-256)</h2><table id=\"duplicates\"><tr><th>copies</th><th>paths</th></tr>")
        for group in groups.exactDuplicates {
            sink("<tr><td>\(group.count)</td><td>\(group.map { Self.html(items[$0].path) }.joined(separator: "<br>"))</td></tr>")
        }
        sink("</table>\n<h2>Errors</h2><table id=\"errors\"><tr><th>path</th><th>code</th><th>error</th></tr>")
        for item in items where item.outcome == .error {
            sink(
                "<tr><td>\(Self.html(item.path))</td><td>\(Self.html(item.errorCode ?? ""))</td><td>\(Self.html(item.error ?? ""))</td></tr>"
            )
        }
        sink("</table>\n</body></html>\n")
    }

    /// A horizontal bar chart as inline SVG.
    static func barChart(title: String, bars: [(String, Int)]) -> String {
        let top = max(1, bars.map(\.1).max() ?? 1)
        let (labelWidth, barWidth, row) = (200, 260, 22)
        var svg =
            "<figure><figcaption>\(html(title))</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(labelWidth + barWidth + 70)\" height=\"\(bars.count * row + 4)\" role=\"img\">"
        for (i, bar) in bars.enumerated() {
            let y = i * row + 2
            let w = bar.1 * barWidth / top
            svg +=
                "<text x=\"0\" y=\"\(y + 15)\" font-size=\"13\">\(html(bar.0))</text>"
                + "<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(w)\" height=\"\(row - 6)\" fill=\"#4a6fa5\"/>"
                + "<text x=\"\(labelWidth + w + 4)\" y=\"\(y + 15)\" font-size=\"13\">\(bar.1)</text>"
        }
        return svg + "</svg></figure>"
    }

    static func html(_ text: String) -> String { MarkupText.escape(text) }
}
