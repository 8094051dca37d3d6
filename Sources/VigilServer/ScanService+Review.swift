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
        signals: [JSONValue]
    ) -> ReviewItemDraft? {
        guard verdict != .allow else { return nil }
        let positive = resolved.filter { !$0.match.negative && !$0.match.suppressed }
        let categories = positive.compactMap { $0.category ?? $0.bankCategory }
        let category = categories.min { ReviewDecision.rank($0) < ReviewDecision.rank($1) }
        // PDQ distances run 0…256 bits; exact digests match at 0. Signals without a match rank at 0.5.
        let best = positive.map(\.match.distance).min()
        let confidence = best.map { max(0, 1 - Double($0) / 256) } ?? 0.5
        return ReviewItemDraft(
            id: UUID().uuidString.lowercased(), scanID: scanID, evidenceID: evidenceID, verdict: verdict.rawValue,
            category: category, confidence: confidence, pdq: record.pdq?.hash.hex, filename: nil,
            signals: JSONValue.array(signals).serialized)
    }
}
