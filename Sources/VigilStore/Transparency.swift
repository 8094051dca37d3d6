import Foundation
import GRDB

/// Percentiles by the nearest-rank method: the smallest value with at least `p`% of the values
/// at or below it (so the median of an even count is the lower middle value). Nil when empty.
public enum Percentile {
    public static func nearestRank(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty, p > 0, p <= 100 else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}

/// Time-to-removal statistics over a set of removed takedowns.
public struct RemovalTimes: Sendable, Equatable {
    public var count: Int
    public var medianSeconds: Double?
    public var p90Seconds: Double?

    public init(_ seconds: [Double]) {
        count = seconds.count
        medianSeconds = Percentile.nearestRank(seconds, 50)
        p90Seconds = Percentile.nearestRank(seconds, 90)
    }
}

/// One month's aggregate numbers. No content, no hashes, no labels: counts only.
public struct TransparencyMonth: Sendable, Equatable {
    /// `YYYY-MM` (UTC).
    public var month: String
    public var scans = 0
    /// Scans with a match in each bank (one per scan and bank).
    public var matchesByBank: [String: Int] = [:]
    /// Review items confirmed by a person.
    public var confirmed = 0
    public var falsePositives = 0
    /// CyberTipline reports submitted (audit `report.submitted`).
    public var reportsFiled = 0
    /// Takedown notices sent (audit `takedown.sent`).
    public var noticesSent = 0
    /// Takedowns whose content was found removed this month, with their times to removal.
    public var removals = RemovalTimes([])
    /// Deliberate reveals of unblurred media by reviewers, and how many reviewers made them.
    public var reveals = 0
    public var reviewers = 0

    public init(month: String) { self.month = month }
}

/// Per bank, over the whole period: human decisions on items that matched the bank.
public struct BankAccuracy: Sendable, Equatable {
    public var bank: String
    public var confirmed: Int
    public var falsePositives: Int

    /// False positives over decided items; nil before any decision.
    public var falsePositiveRate: Double? {
        confirmed + falsePositives == 0 ? nil : Double(falsePositives) / Double(confirmed + falsePositives)
    }
}

/// The transparency numbers `GET /v1/transparency`, `/transparency` and `vigil stats` publish.
public struct TransparencyReport: Sendable, Equatable {
    /// Oldest first.
    public var months: [TransparencyMonth]
    public var banks: [BankAccuracy]
    /// Over the whole period.
    public var removals: RemovalTimes
    public var totals: TransparencyMonth
    public var generatedAt: String
}

extension SQLiteBankStore {
    /// Counts the transparency numbers for the last `months` calendar months (UTC) up to `now`.
    public func transparencyReport(months count: Int = 12, now: Date = Date()) throws(StoreError) -> TransparencyReport {
        let months = Self.monthKeys(ending: now, count: max(1, min(count, 120)))
        let first = months.first!
        return try read { db in
            var byMonth = Dictionary(uniqueKeysWithValues: months.map { ($0, TransparencyMonth(month: $0)) })
            func each(_ sql: String, _ body: (inout TransparencyMonth, Row) -> Void) throws {
                for row in try Row.fetchAll(db, sql: sql, arguments: [first]) {
                    guard let m: String = row["m"], byMonth[m] != nil else { continue }
                    body(&byMonth[m]!, row)
                }
            }
            try each(
                "SELECT substr(created_at, 1, 7) AS m, COUNT(*) AS n FROM scan WHERE substr(created_at, 1, 7) >= ? GROUP BY m"
            ) { $0.scans = $1["n"] }
            try each(
                """
                SELECT substr(a.at, 1, 7) AS m, b.value AS bank, COUNT(*) AS n FROM audit a, json_each(a.detail, '$.banks') b
                WHERE a.action IN ('scan.block', 'scan.review', 'scan.allow') AND json_valid(a.detail)
                    AND substr(a.at, 1, 7) >= ? GROUP BY m, bank
                """
            ) { $0.matchesByBank[$1["bank"] ?? "", default: 0] += $1["n"] }
            try each(
                """
                SELECT substr(decided_at, 1, 7) AS m, status, COUNT(*) AS n FROM review_item
                WHERE status IN ('confirmed', 'false_positive') AND decided_at IS NOT NULL AND substr(decided_at, 1, 7) >= ?
                GROUP BY m, status
                """
            ) { month, row in
                if (row["status"] as String?) == "confirmed" {
                    month.confirmed = row["n"]
                } else {
                    month.falsePositives = row["n"]
                }
            }
            try each(
                """
                SELECT substr(at, 1, 7) AS m, action, COUNT(*) AS n FROM audit
                WHERE action IN ('report.submitted', 'takedown.sent') AND substr(at, 1, 7) >= ? GROUP BY m, action
                """
            ) { month, row in
                if (row["action"] as String?) == "report.submitted" {
                    month.reportsFiled = row["n"]
                } else {
                    month.noticesSent = row["n"]
                }
            }
            try each(
                """
                SELECT substr(day, 1, 7) AS m, COUNT(*) AS n, COUNT(DISTINCT user_id) AS people FROM review_reveal
                WHERE substr(day, 1, 7) >= ? GROUP BY m
                """
            ) { month, row in
                month.reveals = row["n"]
                month.reviewers = row["people"]
            }
            // Times to removal: the notice's first sending to the check that found the content gone.
            var all: [Double] = []
            var ttr: [String: [Double]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT sent_at, removed_at FROM takedown WHERE removed_at IS NOT NULL AND sent_at IS NOT NULL")
            {
                let sent: Double = row["sent_at"], removed: Double = row["removed_at"]
                let seconds = max(0, removed - sent)
                let m = String(Timestamp.string(Date(timeIntervalSince1970: removed)).prefix(7))
                if byMonth[m] != nil {
                    ttr[m, default: []].append(seconds)
                    all.append(seconds)
                }
            }
            for (m, values) in ttr { byMonth[m]!.removals = RemovalTimes(values) }
            var accuracy: [String: BankAccuracy] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT s.value ->> '$.bank' AS bank, r.status AS status, COUNT(DISTINCT r.id) AS n
                    FROM review_item r, json_each(r.signals) s
                    WHERE r.status IN ('confirmed', 'false_positive') AND json_valid(r.signals)
                        AND s.value ->> '$.type' = 'hash_match' AND substr(r.decided_at, 1, 7) >= ?
                    GROUP BY bank, r.status
                    """, arguments: [first])
            {
                let bank: String = row["bank"] ?? ""
                var entry = accuracy[bank] ?? BankAccuracy(bank: bank, confirmed: 0, falsePositives: 0)
                if (row["status"] as String?) == "confirmed" {
                    entry.confirmed = row["n"]
                } else {
                    entry.falsePositives = row["n"]
                }
                accuracy[bank] = entry
            }
            let ordered = months.map { byMonth[$0]! }
            var totals = TransparencyMonth(month: "total")
            for m in ordered {
                totals.scans += m.scans
                for (bank, n) in m.matchesByBank { totals.matchesByBank[bank, default: 0] += n }
                totals.confirmed += m.confirmed
                totals.falsePositives += m.falsePositives
                totals.reportsFiled += m.reportsFiled
                totals.noticesSent += m.noticesSent
                totals.reveals += m.reveals
            }
            totals.reviewers =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(DISTINCT user_id) FROM review_reveal WHERE substr(day, 1, 7) >= ?", arguments: [first])
                ?? 0
            totals.removals = RemovalTimes(all)
            return TransparencyReport(
                months: ordered, banks: accuracy.values.sorted { $0.bank < $1.bank }, removals: totals.removals,
                totals: totals, generatedAt: Timestamp.string(now))
        }
    }

    /// `count` month keys (`YYYY-MM`, UTC) ending with `now`'s month, oldest first.
    static func monthKeys(ending now: Date, count: Int) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: now)
        var (year, month) = (parts.year!, parts.month!)
        var keys: [String] = []
        for _ in 0..<count {
            keys.append(String(format: "%04d-%02d", year, month))
            month -= 1
            if month == 0 { (year, month) = (year - 1, 12) }
        }
        return keys.reversed()
    }
}
