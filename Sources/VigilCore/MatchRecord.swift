import VigilHashing
import VigilIndex
import VigilMedia
import VigilStore

/// One match as reported to people: the bank entry's metadata resolved.
public struct ResolvedMatch: Sendable, Equatable {
    public var match: BankMatch
    public var label: String?
    /// The entry's own category.
    public var category: String?
    /// The bank's category (what the entry inherits when it has none).
    public var bankCategory: String? { match.bankCategory }

    public init(match: BankMatch, label: String?, category: String?) {
        self.match = match
        self.label = label
        self.category = category
    }

    public var json: JSONValue {
        .object([
            ("bank", .string(match.bank)), ("entry", .int(Int(match.entry))), ("label", JSONValue(label)),
            ("category", JSONValue(category)), ("hash", .string(match.hash.hex)), ("kind", .string(match.hash.kind.rawValue)),
            ("distance", .int(match.distance)), ("variant", .string(match.variant.description)),
            ("negative", .bool(match.negative)), ("suppressed", .bool(match.suppressed)),
        ])
    }
}

extension BankMatch {
    /// The match for callers that may not read banks: which bank and how close, without the
    /// entry's label, category or stored hash.
    public var redactedJSON: JSONValue {
        .object([
            ("bank", .string(bank)), ("entry", .int(Int(entry))), ("kind", .string(hash.kind.rawValue)),
            ("distance", .int(distance)), ("variant", .string(variant.description)), ("negative", .bool(negative)),
            ("suppressed", .bool(suppressed)),
        ])
    }
}

/// The `vigil match --json` line for one file.
public struct MatchRecord: Sendable {
    public var hash: HashRecord
    public var matches: [ResolvedMatch]
    /// Matches of a video's vPDQ against bank videos (nil when the file is not a video).
    public var videoMatches: [BankVideoMatch]?

    public init(hash: HashRecord, matches: [ResolvedMatch], videoMatches: [BankVideoMatch]? = nil) {
        self.hash = hash
        self.matches = matches
        self.videoMatches = videoMatches
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("path", .string(hash.path)), ("format", JSONValue(hash.format?.rawValue)),
            ("pdq", JSONValue(hash.pdq?.hash.hex)), ("quality", JSONValue(hash.pdq?.quality)),
            ("md5", JSONValue(hash.digests?.md5)),
            ("matches", .array(matches.map(\.json))),
        ]
        if let videoMatches { members.append(("video_matches", .array(videoMatches.map(\.json)))) }
        members.append(("error", JSONValue(hash.error)))
        return .object(members)
    }
}

extension HashRecord {
    /// The record as a matcher query: PDQ (with dihedral variants when computed) and digests.
    public var matchQuery: MatchQuery {
        var digests: [HashValue] = []
        if let d = self.digests {
            digests = [
                HashValue(kind: .md5, hex: d.md5), HashValue(kind: .sha1, hex: d.sha1), HashValue(kind: .sha256, hex: d.sha256),
            ]
            .compactMap { $0 }
        }
        return MatchQuery(pdq: pdq, dihedral: dihedral, digests: digests)
    }
}

/// Resolves match payloads to labels: store entries by id, or an ad-hoc list's own labels.
public struct MatchResolver: Sendable {
    /// Ad-hoc banks (from `--hashes` files): bank name → payload → label.
    public var adHocLabels: [String: [UInt32: String]]
    public var store: (any BankStore)?

    public init(store: (any BankStore)?, adHocLabels: [String: [UInt32: String]] = [:]) {
        self.store = store
        self.adHocLabels = adHocLabels
    }

    public func resolve(_ matches: [BankMatch]) throws(StoreError) -> [ResolvedMatch] {
        let storeIDs = matches.filter { adHocLabels[$0.bank] == nil }.map { Int64($0.entry) }
        let entries = try store?.entries(ids: storeIDs) ?? [:]
        return matches.map { m in
            if let labels = adHocLabels[m.bank] { return ResolvedMatch(match: m, label: labels[m.entry], category: nil) }
            let entry = entries[Int64(m.entry)]
            return ResolvedMatch(match: m, label: entry?.label, category: entry?.category)
        }
    }
}
