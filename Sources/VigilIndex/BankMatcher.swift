import VigilHashing

/// A hash bank as the matcher sees it: a named list with its own PDQ threshold, possibly negative
/// (its matches mark known false positives and suppress positive matches of the same query).
public struct BankProfile: Sendable, Hashable {
    public var name: String
    public var threshold: Int
    public var negative: Bool
    public var category: String?

    /// PDQ's standard match threshold (python-threatexchange's confident-match distance).
    public static let defaultThreshold = 31

    public init(name: String, threshold: Int = defaultThreshold, negative: Bool = false, category: String? = nil) {
        self.name = name
        self.threshold = threshold
        self.negative = negative
        self.category = category
    }
}

/// One match of a query against a bank entry.
public struct BankMatch: Sendable, Hashable {
    public var bank: String
    public var entry: UInt32
    public var hash: HashValue
    /// Hamming distance for PDQ; 0 for exact digests.
    public var distance: Int
    /// The dihedral variant of the query that matched (`original` unless dihedral matching is on).
    public var variant: DihedralVariant
    public var negative: Bool
    /// A positive match set aside because the same query also matched a negative bank.
    public var suppressed: Bool
    /// The bank's category, which an entry's own category overrides.
    public var bankCategory: String? = nil

    public init(
        bank: String, entry: UInt32, hash: HashValue, distance: Int, variant: DihedralVariant, negative: Bool,
        suppressed: Bool, bankCategory: String? = nil
    ) {
        self.bank = bank
        self.entry = entry
        self.hash = hash
        self.distance = distance
        self.variant = variant
        self.negative = negative
        self.suppressed = suppressed
        self.bankCategory = bankCategory
    }
}

/// What to match: PDQ (with its quality and, optionally, its dihedral variants) and digests.
public struct MatchQuery: Sendable {
    public var pdq: PDQResult?
    /// The eight variants in `DihedralVariant` order; when present every variant is tried.
    public var dihedral: [PDQHash]?
    public var digests: [HashValue]

    public init(pdq: PDQResult?, dihedral: [PDQHash]? = nil, digests: [HashValue] = []) {
        self.pdq = pdq
        self.dihedral = dihedral
        self.digests = digests
    }
}

/// Matches queries against many banks: an exact PDQ index and digest sets per bank, per-bank
/// thresholds, negative banks, dihedral queries and a quality floor.
public struct BankMatcher: Sendable {
    struct Bank: Sendable {
        var profile: BankProfile
        var pdq = PDQIndex()
        var digests = DigestIndex()
        var videos: VideoIndex?
    }

    private var banks: [Bank] = []

    /// Below this quality a PDQ hash is not trusted and not matched (python-threatexchange's floor).
    public static let defaultQualityFloor = 50

    public init() {}

    /// Adds a bank with its entries (`payload` identifies each entry to the caller).
    public mutating func addBank(_ profile: BankProfile, entries: [(hash: HashValue, payload: UInt32)]) {
        var bank = Bank(profile: profile)
        var hashes: [PDQHash] = [], payloads: [UInt32] = []
        for entry in entries {
            if let pdq = entry.hash.pdq {
                hashes.append(pdq)
                payloads.append(entry.payload)
            } else {
                bank.digests.insert(entry.hash, payload: entry.payload)
            }
        }
        bank.pdq = PDQIndex(hashes: hashes, payloads: payloads)
        banks.removeAll { $0.profile.name == profile.name }
        banks.append(bank)
    }

    /// Adds a bank whose PDQ index (and video index, if it holds videos) is already built (e.g.
    /// loaded from a snapshot).
    public mutating func addBank(
        _ profile: BankProfile, pdq: PDQIndex, digests: [(hash: HashValue, payload: UInt32)], videos: VideoIndex? = nil
    ) {
        var bank = Bank(profile: profile)
        bank.pdq = pdq
        bank.videos = videos.flatMap { $0.count > 0 ? $0 : nil }
        for entry in digests { bank.digests.insert(entry.hash, payload: entry.payload) }
        banks.removeAll { $0.profile.name == profile.name }
        banks.append(bank)
    }

    public var profiles: [BankProfile] { banks.map(\.profile) }

    /// Whether any bank holds videos.
    public var hasVideos: Bool { banks.contains { $0.videos != nil } }

    /// Every bank video `features` matches under `rule` (default: each index's own rule), or whose
    /// MD5 equals `md5`, best first within each bank. As with images, a match in a negative bank
    /// sets aside (suppresses) the positive ones.
    public func matchVideo(_ features: [VPDQFeature], md5: String? = nil, rule: VideoMatchRule? = nil) -> [BankVideoMatch] {
        var matches: [BankVideoMatch] = []
        for bank in banks {
            guard let videos = bank.videos else { continue }
            for m in videos.match(features, md5: md5, rule: rule) {
                matches.append(
                    BankVideoMatch(
                        bank: bank.profile.name, match: m, negative: bank.profile.negative, suppressed: false,
                        bankCategory: bank.profile.category))
            }
        }
        if matches.contains(where: \.negative) {
            for i in matches.indices where !matches[i].negative { matches[i].suppressed = true }
        }
        return matches
    }

    /// Entry counts per bank, PDQ and digests.
    public func counts() -> [(bank: String, pdq: Int, digests: Int)] {
        banks.map { ($0.profile.name, $0.pdq.count, $0.digests.count) }
    }

    /// Every match of `query`, best (lowest distance) first, one per bank entry.
    public func match(_ query: MatchQuery, qualityFloor: Int = defaultQualityFloor) -> [BankMatch] {
        var best: [String: [UInt32: BankMatch]] = [:]
        func keep(_ m: BankMatch) {
            if let existing = best[m.bank]?[m.entry], existing.distance <= m.distance { return }
            best[m.bank, default: [:]][m.entry] = m
        }
        var variants: [(DihedralVariant, PDQHash)] = []
        if let pdq = query.pdq, pdq.quality >= qualityFloor {
            if let dihedral = query.dihedral, dihedral.count == 8 {
                variants = zip(DihedralVariant.allCases, dihedral).map { ($0, $1) }
            } else {
                variants = [(.original, pdq.hash)]
            }
        }
        var found: [PDQMatch] = []
        for bank in banks {
            for (variant, hash) in variants {
                found.removeAll(keepingCapacity: true)
                bank.pdq.search(hash, radius: bank.profile.threshold, into: &found)
                for m in found {
                    keep(
                        BankMatch(
                            bank: bank.profile.name, entry: m.payload, hash: HashValue(m.hash), distance: m.distance,
                            variant: variant, negative: bank.profile.negative, suppressed: false,
                            bankCategory: bank.profile.category))
                }
            }
            for digest in query.digests {
                for payload in bank.digests.lookup(digest) {
                    keep(
                        BankMatch(
                            bank: bank.profile.name, entry: payload, hash: digest, distance: 0, variant: .original,
                            negative: bank.profile.negative, suppressed: false, bankCategory: bank.profile.category))
                }
            }
        }
        var matches = best.values.flatMap(\.values)
        if matches.contains(where: \.negative) {
            for i in matches.indices where !matches[i].negative { matches[i].suppressed = true }
        }
        return matches.sorted { ($0.distance, $0.bank, $0.entry) < ($1.distance, $1.bank, $1.entry) }
    }
}

/// A query video's match with a video of a bank.
public struct BankVideoMatch: Sendable, Hashable {
    public var bank: String
    public var match: VideoMatch
    public var negative: Bool
    /// A positive match set aside because the query also matched a negative bank.
    public var suppressed: Bool
    public var bankCategory: String?

    public init(bank: String, match: VideoMatch, negative: Bool, suppressed: Bool, bankCategory: String? = nil) {
        self.bank = bank
        self.match = match
        self.negative = negative
        self.suppressed = suppressed
        self.bankCategory = bankCategory
    }
}
