import Foundation
import VigilIndex

/// The answer a platform acts on, in increasing severity.
public enum Verdict: String, Sendable, Codable, Comparable, CaseIterable {
    case allow, review, block

    private var severity: Int {
        switch self {
        case .allow: 0
        case .review: 1
        case .block: 2
        }
    }

    public static func < (a: Verdict, b: Verdict) -> Bool { a.severity < b.severity }
}

/// What the service does for a decision, besides answering.
public enum PolicyAction: String, Sendable, Codable, CaseIterable {
    /// Send a signed webhook event.
    case webhook
    /// Keep an encrypted copy of the media as evidence.
    case preserve
    /// Draft a CyberTipline report for a person to check and submit.
    case report
    /// Set aside positive matches that a negative bank also matched (recorded, nothing sent).
    case suppress
}

/// A declarative rule: when one of the scan's signals meets every condition, the rule fires.
public struct PolicyRule: Sendable, Codable, Equatable {
    public enum SignalKind: String, Sendable, Codable {
        /// A positive bank match (not suppressed by a negative bank).
        case match
        /// A match in a negative bank (a known false positive).
        case negativeMatch = "negative_match"
        /// The synthetic-media signal (watermarks, and provenance once it lands).
        case synthetic
    }

    public struct Condition: Sendable, Codable, Equatable {
        public var signal: SignalKind
        /// Match: the entry's category (else its bank's) is one of these (case-insensitive).
        public var categories: [String]?
        /// Match: true → only matches without any category.
        public var uncategorised: Bool?
        /// Match: the bank is one of these.
        public var banks: [String]?
        /// Match: the hash kind is one of these (pdq, md5, sha1, sha256; vpdq for a video match).
        public var kinds: [String]?
        /// Match: PDQ distance at most this.
        public var maxDistance: Int?
        /// Synthetic: the verdict is one of these (ai-generated, ai-edited, camera-capture, unknown).
        public var verdicts: [String]?
        /// Synthetic: confidence at least this.
        public var minConfidence: Double?

        public init(
            signal: SignalKind, categories: [String]? = nil, uncategorised: Bool? = nil, banks: [String]? = nil,
            kinds: [String]? = nil, maxDistance: Int? = nil, verdicts: [String]? = nil, minConfidence: Double? = nil
        ) {
            self.signal = signal
            self.categories = categories
            self.uncategorised = uncategorised
            self.banks = banks
            self.kinds = kinds
            self.maxDistance = maxDistance
            self.verdicts = verdicts
            self.minConfidence = minConfidence
        }

        enum CodingKeys: String, CodingKey {
            case signal, categories, uncategorised, banks, kinds, verdicts
            case maxDistance = "max_distance"
            case minConfidence = "min_confidence"
        }
    }

    public var name: String
    public var when: Condition
    public var verdict: Verdict
    /// Higher is more urgent; the decision's priority is the highest among fired rules.
    public var priority: Int
    public var actions: [PolicyAction]

    public init(name: String, when: Condition, verdict: Verdict, priority: Int = 0, actions: [PolicyAction] = []) {
        self.name = name
        self.when = when
        self.verdict = verdict
        self.priority = priority
        self.actions = actions
    }

    enum CodingKeys: String, CodingKey { case name, when, verdict, priority, actions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        when = try c.decode(Condition.self, forKey: .when)
        verdict = try c.decode(Verdict.self, forKey: .verdict)
        priority = try c.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        actions = try c.decodeIfPresent([PolicyAction].self, forKey: .actions) ?? []
    }
}

/// One decision: the strictest verdict among the rules that fired, their highest priority and
/// the union of their actions.
public struct Decision: Sendable, Equatable {
    public var verdict: Verdict
    public var priority: Int
    public var actions: [PolicyAction]
    public var rules: [String]
}

/// Declarative rules mapping signals to a verdict, a priority and actions.
public struct Policy: Sendable, Codable, Equatable {
    public var rules: [PolicyRule]
    /// The verdict when no rule fires.
    public var fallback: Verdict

    public init(rules: [PolicyRule], fallback: Verdict = .allow) {
        self.rules = rules
        self.fallback = fallback
    }

    enum CodingKeys: String, CodingKey {
        case rules
        case fallback = "default"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rules = try c.decode([PolicyRule].self, forKey: .rules)
        fallback = try c.decodeIfPresent(Verdict.self, forKey: .fallback) ?? .allow
    }

    /// The shipped policy. Project VIC categories: 0 non-pertinent, 1 CSAM, 2 exploitive /
    /// age-difficult, 3 CGI/animation, 4 comparison; NCMEC/industry classes A1/A2/B1/B2.
    public static let standard = Policy(rules: [
        PolicyRule(
            name: "known-abuse", when: .init(signal: .match, categories: ["A1", "A2", "B1", "B2", "1"]), verdict: .block,
            priority: 100, actions: [.webhook, .preserve, .report]),
        PolicyRule(
            name: "known-uncategorised", when: .init(signal: .match, uncategorised: true), verdict: .block, priority: 90,
            actions: [.webhook, .preserve]),
        PolicyRule(
            name: "known-exploitive", when: .init(signal: .match, categories: ["2", "3"]), verdict: .review, priority: 60,
            actions: [.webhook]),
        PolicyRule(
            name: "known-false-positive", when: .init(signal: .negativeMatch), verdict: .allow, priority: 0,
            actions: [.suppress]),
        PolicyRule(
            name: "synthetic-media", when: .init(signal: .synthetic, verdicts: ["ai-generated", "ai-edited"]),
            verdict: .review, priority: 40, actions: [.webhook]),
    ])

    /// Checks what decoding cannot: names unique and non-empty, thresholds in range.
    public func validate() throws(CoreError) {
        var seen: Set<String> = []
        for rule in rules {
            guard !rule.name.isEmpty, seen.insert(rule.name).inserted else {
                throw CoreError(.invalidInput, "policy rule names must be non-empty and unique")
            }
            if let d = rule.when.maxDistance, !(0...256).contains(d) {
                throw CoreError(.invalidInput, "policy rule \(rule.name): max_distance must be 0–256")
            }
            if let c = rule.when.minConfidence, !(0...1).contains(c) {
                throw CoreError(.invalidInput, "policy rule \(rule.name): min_confidence must be 0–1")
            }
        }
    }

    /// Decides on a scan's signals. A bank video match counts as a match from its bank, with
    /// kind `vpdq` (or `md5` when the files' MD5s are equal, at distance 0); a vPDQ match has no
    /// single distance, so rules with `max_distance` do not fire on it.
    public func decide(matches: [ResolvedMatch], videoMatches: [BankVideoMatch] = [], synthetic: SyntheticSignal?)
        -> Decision
    {
        let facts =
            matches.map {
                MatchFacts(
                    bank: $0.match.bank, category: $0.category ?? $0.bankCategory, kind: $0.match.hash.kind.rawValue,
                    distance: $0.match.distance, negative: $0.match.negative, suppressed: $0.match.suppressed)
            }
            + videoMatches.map {
                MatchFacts(
                    bank: $0.bank, category: $0.match.category ?? $0.bankCategory, kind: $0.match.md5Match ? "md5" : "vpdq",
                    distance: $0.match.md5Match ? 0 : nil, negative: $0.negative, suppressed: $0.suppressed)
            }
        var fired: [PolicyRule] = []
        for rule in rules where fires(rule.when, matches: facts, synthetic: synthetic) { fired.append(rule) }
        var actions: [PolicyAction] = []
        for action in fired.flatMap(\.actions) where !actions.contains(action) { actions.append(action) }
        return Decision(
            verdict: fired.map(\.verdict).max() ?? fallback, priority: fired.map(\.priority).max() ?? 0, actions: actions,
            rules: fired.map(\.name))
    }

    /// What a rule looks at in an image or video match.
    private struct MatchFacts {
        var bank: String
        var category: String?
        var kind: String
        var distance: Int?
        var negative: Bool
        var suppressed: Bool
    }

    private func fires(_ c: PolicyRule.Condition, matches: [MatchFacts], synthetic: SyntheticSignal?) -> Bool {
        switch c.signal {
        case .match, .negativeMatch:
            let negative = c.signal == .negativeMatch
            return matches.contains { m in
                guard m.negative == negative, negative || !m.suppressed else { return false }
                let category = m.category
                if let wanted = c.categories {
                    guard let category, wanted.contains(where: { $0.caseInsensitiveCompare(category) == .orderedSame }) else {
                        return false
                    }
                }
                if c.uncategorised == true, category != nil { return false }
                if let banks = c.banks, !banks.contains(m.bank) { return false }
                if let kinds = c.kinds, !kinds.contains(m.kind) { return false }
                if let d = c.maxDistance, (m.distance ?? Int.max) > d { return false }
                return true
            }
        case .synthetic:
            guard let synthetic else { return false }
            if let verdicts = c.verdicts, !verdicts.contains(synthetic.verdict.rawValue) { return false }
            if let minimum = c.minConfidence, synthetic.confidence < minimum { return false }
            return c.verdicts != nil || c.minConfidence != nil || synthetic.verdict != .unknown
        }
    }
}
