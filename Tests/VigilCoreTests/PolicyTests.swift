import Foundation
import Testing
import VigilCore
import VigilHashing
import VigilIndex

func match(bank: String, bankCategory: String?, entryCategory: String? = nil, negative: Bool = false, suppressed: Bool = false)
    -> ResolvedMatch
{
    var m = BankMatch(
        bank: bank, entry: 1, hash: HashValue(kind: .md5, hex: String(repeating: "0", count: 32))!, distance: 0,
        variant: .original, negative: negative, suppressed: suppressed)
    m.bankCategory = bankCategory
    return ResolvedMatch(match: m, label: nil, category: entryCategory)
}

struct PolicyCase: Sendable, CustomTestStringConvertible {
    var name: String
    var matches: [ResolvedMatch]
    var synthetic: SyntheticSignal.Verdict?
    var verdict: Verdict
    var actions: [PolicyAction]
    var testDescription: String { name }
}

@Test(
    "the standard policy maps categories, negative banks and synthetic signals to verdicts and actions",
    arguments: [
        PolicyCase(name: "no signal", matches: [], synthetic: nil, verdict: .allow, actions: []),
        PolicyCase(
            name: "A1 bank", matches: [match(bank: "ncmec", bankCategory: "A1")], synthetic: nil, verdict: .block,
            actions: [.webhook, .preserve, .report]),
        PolicyCase(
            name: "entry category overrides bank", matches: [match(bank: "vic", bankCategory: "1", entryCategory: "0")],
            synthetic: nil, verdict: .allow, actions: []),
        PolicyCase(
            name: "VIC 2 is reviewed", matches: [match(bank: "vic", bankCategory: nil, entryCategory: "2")], synthetic: nil,
            verdict: .review, actions: [.webhook]),
        PolicyCase(
            name: "uncategorised bank blocks", matches: [match(bank: "internal", bankCategory: nil)], synthetic: nil,
            verdict: .block, actions: [.webhook, .preserve]),
        PolicyCase(
            name: "negative bank suppresses",
            matches: [
                match(bank: "ncmec", bankCategory: "A1", suppressed: true),
                match(bank: "fp", bankCategory: nil, negative: true),
            ], synthetic: nil, verdict: .allow, actions: [.suppress]),
        PolicyCase(name: "AI generated", matches: [], synthetic: .aiGenerated, verdict: .review, actions: [.webhook]),
        PolicyCase(name: "camera capture", matches: [], synthetic: .cameraCapture, verdict: .allow, actions: []),
        PolicyCase(
            name: "block wins over review", matches: [match(bank: "ncmec", bankCategory: "B2")], synthetic: .aiGenerated,
            verdict: .block, actions: [.webhook, .preserve, .report]),
    ])
func standardPolicy(_ c: PolicyCase) {
    let synthetic = c.synthetic.map { verdict in
        var s = SyntheticSignal(watermarks: nil)
        s.verdict = verdict
        s.confidence = 0.99
        return s
    }
    let decision = Policy.standard.decide(matches: c.matches, synthetic: synthetic)
    #expect(decision.verdict == c.verdict)
    #expect(decision.actions == c.actions)
}

@Test("policies load from configuration JSON and bad ones are refused with a reason")
func policyFromJSON() throws {
    let text = #"""
        {"default": "review", "rules": [
          {"name": "near", "when": {"signal": "match", "kinds": ["pdq"], "max_distance": 10}, "verdict": "block", "priority": 5, "actions": ["preserve"]},
          {"name": "sure", "when": {"signal": "synthetic", "min_confidence": 0.5}, "verdict": "allow"}
        ]}
        """#
    let policy = try JSONDecoder().decode(Policy.self, from: Data(text.utf8))
    try policy.validate()
    #expect(policy.fallback == .review)
    #expect(policy.decide(matches: [], synthetic: nil).verdict == .review)
    #expect(policy.rules[0].when.maxDistance == 10)
    let duplicate = Policy(rules: [policy.rules[0], policy.rules[0]])
    #expect(throws: CoreError.self) { try duplicate.validate() }
    #expect(throws: (any Error).self) {
        try JSONDecoder().decode(
            Policy.self, from: Data(#"{"rules":[{"name":"x","when":{"signal":"telepathy"},"verdict":"block"}]}"#.utf8))
    }
}
