import VigilHashing

/// The python-threatexchange vPDQ match rule: frames are de-duplicated by hash, frames below
/// `quality` are dropped, and two frames match at Hamming distance ≤ `distance`. A video matches
/// when the share of the query's frames found in it reaches `queryMatchPercent` and the share of
/// its frames found in the query reaches `compareMatchPercent`.
public struct VideoMatchRule: Sendable, Equatable {
    public var distance: Int
    public var quality: Int
    public var queryMatchPercent: Double
    public var compareMatchPercent: Double

    public init(distance: Int = 31, quality: Int = 50, queryMatchPercent: Double = 80, compareMatchPercent: Double = 0) {
        self.distance = distance
        self.quality = quality
        self.queryMatchPercent = queryMatchPercent
        self.compareMatchPercent = compareMatchPercent
    }

    /// The frames the rule compares: first occurrence of each hash, quality at least `quality`.
    public func usableFrames(_ features: [VPDQFeature]) -> [VPDQFeature] {
        var seen = Set<PDQHash>()
        return features.filter { $0.quality >= quality && seen.insert($0.pdq).inserted }
    }
}

/// A bank video: its identifier, its vPDQ frames and, when known, the MD5 of its file, with
/// what the list says about it (label, category) and the caller's payload (a store row id).
public struct BankVideo: Sendable, Hashable {
    public var id: String
    public var features: [VPDQFeature]
    public var md5: String?
    public var label: String?
    public var category: String?
    public var payload: UInt32

    public init(
        id: String, features: [VPDQFeature], md5: String? = nil, label: String? = nil, category: String? = nil,
        payload: UInt32 = 0
    ) {
        self.id = id
        self.features = features
        self.md5 = md5
        self.label = label
        self.category = category
        self.payload = payload
    }
}

/// How a query video matched one bank video.
public struct VideoMatch: Sendable, Hashable {
    /// The bank video's position in the index.
    public var video: Int
    public var id: String
    /// The bank video's payload, label and category (`BankVideo`).
    public var payload: UInt32 = 0
    public var label: String? = nil
    public var category: String? = nil
    /// The share of the query's usable frames that match some frame of this video (0–100).
    public var queryMatchPercent: Double
    /// The share of this video's usable frames that match some query frame (0–100).
    public var compareMatchPercent: Double
    /// Whether the file's MD5 equals the bank video's.
    public var md5Match: Bool
    /// The span of this video's matched frames, in seconds: where a clip sits in a longer video.
    public var matchedStart: Double?
    public var matchedEnd: Double?
    /// The span of the query's matched frames, in seconds.
    public var queryStart: Double?
    public var queryEnd: Double?
}

/// Matches query videos against many bank videos: one exact PDQ multi-index over the usable
/// frames of all bank videos, so a short clip is found inside a long video. Gives the same
/// percentages as python-threatexchange's brute-force comparison of each pair.
public struct VideoIndex: Sendable {
    public let rule: VideoMatchRule
    private let videos: [(video: BankVideo, frameCount: Int)]
    private let owner: [Int32]
    private let timestamps: [Double]
    private let index: PDQMultiIndex
    private let md5Lookup: [String: [Int]]

    public init(_ bank: [BankVideo], rule: VideoMatchRule = VideoMatchRule()) {
        self.rule = rule
        var hashes: [PDQHash] = [], owner: [Int32] = [], timestamps: [Double] = []
        var videos: [(video: BankVideo, frameCount: Int)] = []
        var md5Lookup: [String: [Int]] = [:]
        for (v, video) in bank.enumerated() {
            let frames = rule.usableFrames(video.features)
            for frame in frames {
                hashes.append(frame.pdq)
                owner.append(Int32(v))
                timestamps.append(frame.timestamp)
            }
            let md5 = video.md5?.lowercased()
            var meta = video
            meta.features = []
            meta.md5 = md5
            videos.append((meta, frames.count))
            if let md5 { md5Lookup[md5, default: []].append(v) }
        }
        self.videos = videos
        self.owner = owner
        self.timestamps = timestamps
        self.md5Lookup = md5Lookup
        index = PDQMultiIndex(hashes)
    }

    /// The number of bank videos.
    public var count: Int { videos.count }
    /// The number of indexed (usable) frames over all videos.
    public var frameCount: Int { owner.count }

    /// Every bank video that meets the rule's thresholds, or whose MD5 equals `md5`, best first.
    /// `rule`, when given, replaces the index's distance, percentages and query quality floor
    /// (bank frames stay those the index was built with).
    public func match(_ query: [VPDQFeature], md5: String? = nil, rule: VideoMatchRule? = nil) -> [VideoMatch] {
        let rule = rule ?? self.rule
        let frames = rule.usableFrames(query)
        // Per video: the query frames found in it and its frames found by the query.
        var queryHits: [Int: Set<Int>] = [:]
        var bankHits: [Int: Set<Int>] = [:]
        var hits: [IndexHit] = []
        for (q, frame) in frames.enumerated() {
            hits.removeAll(keepingCapacity: true)
            index.search(frame.pdq, radius: rule.distance, into: &hits)
            for hit in hits {
                let v = Int(owner[hit.position])
                queryHits[v, default: []].insert(q)
                bankHits[v, default: []].insert(hit.position)
            }
        }
        var results: [VideoMatch] = []
        let exact = Set(md5.flatMap { md5Lookup[$0.lowercased()] } ?? [])
        for v in Set(bankHits.keys).union(exact) {
            let queried = queryHits[v] ?? []
            let banked = bankHits[v] ?? []
            let queryPercent = frames.isEmpty ? 0 : Double(queried.count) * 100 / Double(frames.count)
            let comparePercent =
                videos[v].frameCount == 0 ? 0 : Double(banked.count) * 100 / Double(videos[v].frameCount)
            let meets = queryPercent >= rule.queryMatchPercent && comparePercent >= rule.compareMatchPercent
            guard meets || exact.contains(v) else { continue }
            let bankTimes = banked.map { timestamps[$0] }
            let queryTimes = queried.map { frames[$0].timestamp }
            results.append(
                VideoMatch(
                    video: v, id: videos[v].video.id, payload: videos[v].video.payload, label: videos[v].video.label,
                    category: videos[v].video.category, queryMatchPercent: queryPercent, compareMatchPercent: comparePercent,
                    md5Match: exact.contains(v), matchedStart: bankTimes.min(), matchedEnd: bankTimes.max(),
                    queryStart: queryTimes.min(), queryEnd: queryTimes.max()))
        }
        return results.sorted {
            ($0.md5Match ? 1 : 0, $0.queryMatchPercent, $0.compareMatchPercent, -$0.video)
                > ($1.md5Match ? 1 : 0, $1.queryMatchPercent, $1.compareMatchPercent, -$1.video)
        }
    }
}
