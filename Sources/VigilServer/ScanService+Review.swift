import Foundation
import VigilCore
import VigilHashing
import VigilIndex
import VigilStore

extension ScanService {
    /// The review item a scan feeds into the console's queue: `review` and `block` verdicts need
    /// (or get) a human decision; `allow` feeds nothing.
    static func reviewDraft(
        scanID: String, verdict: Verdict, resolved: [ResolvedMatch], record: HashRecord, evidenceID: String?,
        signals: [JSONValue], videoMatches: [BankVideoMatch] = []
    ) -> ReviewItemDraft? {
        guard verdict != .allow else { return nil }
        let positive = resolved.filter { !$0.match.negative && !$0.match.suppressed }
        let videos = videoMatches.filter { !$0.negative && !$0.suppressed }
        let categories =
            positive.compactMap { $0.category ?? $0.bankCategory } + videos.compactMap { $0.match.category ?? $0.bankCategory }
        let category = categories.min { ReviewDecision.rank($0) < ReviewDecision.rank($1) }
        // PDQ distances run 0…256 bits; exact digests match at 0. Signals without a match rank at 0.5.
        let best = positive.map(\.match.distance).min()
        // A video match ranks by the share of the upload's frames found in the bank video.
        let videoBest = videos.map { $0.match.md5Match ? 1 : $0.match.queryMatchPercent / 100 }.max()
        let confidence = best.map { max(0, 1 - Double($0) / 256) } ?? videoBest ?? 0.5
        return ReviewItemDraft(
            id: UUID().uuidString.lowercased(), scanID: scanID, evidenceID: evidenceID, verdict: verdict.rawValue,
            category: category, confidence: confidence, pdq: record.pdq?.hash.hex, filename: nil,
            signals: JSONValue.array(signals).serialized)
    }
}
