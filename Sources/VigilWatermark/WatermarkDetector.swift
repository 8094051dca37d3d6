import VigilMedia

/// A way the decoded bits might relate to an embedded payload.
public enum WatermarkHypothesis: String, Sendable, CaseIterable, Hashable {
    /// The bits as the reference decodes the file.
    case asDecoded = "as_decoded"
    /// Every bit inverted (SDXL embeds from float images whose U is often negative, which decodes inverted).
    case complement
    /// Decoded with red and blue exchanged (an encoder handed RGB as BGR).
    case swapped
    /// Both.
    case swappedComplement = "swapped_complement"

    var channelOrder: ChannelOrder { self == .swapped || self == .swappedComplement ? .redBlueSwapped : .fileOrder }
    var inverted: Bool { self == .complement || self == .swappedComplement }
}

/// The score bands of the reference SDXL watermark detector (agreement out of 48 bits).
public enum ReferenceBand: String, Sendable, Hashable {
    /// ≥ 36 of 48.
    case veryLikely = "very_likely"
    /// 34–35.
    case likely
    /// 28–33.
    case partial
    /// ≤ 27.
    case none

    /// The band of an agreement count out of 48.
    public init(agreementOf48 agreement: Int) {
        switch agreement {
        case 36...: self = .veryLikely
        case 34...35: self = .likely
        case 28...33: self = .partial
        default: self = .none
        }
    }
}

/// When a known payload counts as detected.
public struct WatermarkDetectionPolicy: Sendable, Equatable {
    /// Detected when the best hypothesis's one-sided binomial p-value (the chance that unrelated bits
    /// agree this well) is below this. At 10⁻⁶ and 4 hypotheses × 3 payloads, unrelated bits trigger
    /// with probability ≤ 1.2 × 10⁻⁵ per image; the measured rate on clean images is in BENCHMARKS.md.
    public var maxPValue: Double

    public static let defaultMaxPValue = 1e-6

    public init(maxPValue: Double = Self.defaultMaxPValue) { self.maxPValue = maxPValue }
}

/// The evidence for one known payload: the best of the four hypotheses.
public struct WatermarkDetection: Sendable, Equatable {
    public let watermark: KnownWatermark
    public let hypothesis: WatermarkHypothesis
    /// Bits agreeing with the payload under `hypothesis`, out of `length`.
    public let agreement: Int
    public let length: Int
    /// P(at least `agreement` of `length` fair coin flips match): small means not chance.
    public let pValue: Double
    /// The reference SDXL detector's band, for the 48-bit SDXL payload only.
    public let referenceBand: ReferenceBand?
    /// Whether `pValue` passes the policy.
    public let detected: Bool
}

/// Everything the watermark stage found in one image: evidence for `vigil inspect` and the pipeline.
public struct WatermarkReport: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 4×4 LL blocks voting (each bit of a payload of length L is the majority of ~blocks/L votes).
    public let blockCount: Int
    /// U is constant (a grey image): all blocks vote alike and nothing can be detected.
    public let flatChroma: Bool
    /// One entry per known payload, in `KnownWatermark.all` order.
    public let detections: [WatermarkDetection]
    /// Raw decoded bits, in the order of the requested lengths.
    public let rawBits: [WatermarkBits]
    /// The method of `rawBits`.
    public let rawMethod: WatermarkMethod

    /// The detections that pass the policy.
    public var detected: [WatermarkDetection] { detections.filter(\.detected) }
}

/// Decodes an image once per method and channel order needed, and tests the known payloads.
public enum WatermarkDetector {
    /// The payload lengths decoded when none are requested: those of the known payloads.
    public static var knownLengths: [Int] { Array(Set(KnownWatermark.all.map(\.payload.count))).sorted() }

    /// Decodes `image` and scores every known payload under every hypothesis, keeping the best
    /// (highest agreement; ties keep the earlier hypothesis) per payload. Also returns the raw
    /// bits of `rawMethod` for each of `rawLengths` (file channel order, as the reference decodes).
    public static func analyze(
        _ image: RGBImage, rawMethod: WatermarkMethod = .dwtDct, rawLengths: [Int] = knownLengths,
        policy: WatermarkDetectionPolicy = WatermarkDetectionPolicy()
    ) throws(WatermarkError) -> WatermarkReport {
        var passes: [ChannelOrder: BlockVotes] = [:]
        func votes(_ method: WatermarkMethod, _ order: ChannelOrder) throws(WatermarkError) -> BlockVotes {
            if let done = passes[order], done.method == method { return done }
            let fresh = try InvisibleWatermarkDecoder.votes(in: image, method: method, channelOrder: order)
            if method == .dwtDct { passes[order] = fresh }
            return fresh
        }
        var detections: [WatermarkDetection] = []
        for known in KnownWatermark.all {
            var best: (WatermarkHypothesis, Int)?
            for hypothesis in WatermarkHypothesis.allCases {
                var bits = try votes(known.method, hypothesis.channelOrder).bits(length: known.payload.count)
                if hypothesis.inverted { bits = bits.complement }
                let agreement = bits.agreement(with: known.payload)
                if best == nil || agreement > best!.1 { best = (hypothesis, agreement) }
            }
            let (hypothesis, agreement) = best!
            let n = known.payload.count
            let p = Binomial.upperTail(atLeast: agreement, of: n)
            detections.append(
                WatermarkDetection(
                    watermark: known, hypothesis: hypothesis, agreement: agreement, length: n, pValue: p,
                    referenceBand: known == .stableDiffusionXL ? ReferenceBand(agreementOf48: agreement) : nil,
                    detected: p < policy.maxPValue))
        }
        let raw = try votes(rawMethod, .fileOrder)
        var rawBits: [WatermarkBits] = []
        for length in rawLengths { rawBits.append(try raw.bits(length: length)) }
        return WatermarkReport(
            width: image.width, height: image.height, blockCount: raw.votes.count, flatChroma: raw.flatChroma,
            detections: detections, rawBits: rawBits, rawMethod: rawMethod)
    }

    /// The known-payload evidence alone (dwtDct, both channel orders): for `vigil inspect` and the pipeline.
    public static func detect(
        in image: RGBImage, policy: WatermarkDetectionPolicy = WatermarkDetectionPolicy()
    ) throws(WatermarkError) -> [WatermarkDetection] {
        try analyze(image, rawLengths: [], policy: policy).detections
    }
}
