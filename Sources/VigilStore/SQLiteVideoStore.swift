import Foundation
import GRDB
import VigilHashing
import VigilIndex

/// One video of a bank: its vPDQ frames and, when known, the MD5 of its file.
public struct VideoRecord: Sendable, Hashable {
    public var id: Int64
    public var bankID: Int64
    /// The video's name in its bank (unique there): the list's id or the file name.
    public var name: String
    public var md5: String?
    public var features: [VPDQFeature]
    public var label: String?
    public var category: String?
    public var externalID: String?
    public var addedAt: String
    public var addedBy: String
}

/// An addition (or replacement, by name) or a removal (by name) of a bank video.
public struct VideoChange: Sendable {
    public var name: String
    public var md5: String?
    public var features: [VPDQFeature]
    public var label: String?
    public var category: String?
    public var externalID: String?
    public var remove: Bool

    public init(
        name: String, md5: String? = nil, features: [VPDQFeature] = [], label: String? = nil, category: String? = nil,
        externalID: String? = nil, remove: Bool = false
    ) {
        self.name = name
        self.md5 = md5
        self.features = features
        self.label = label
        self.category = category
        self.externalID = externalID
        self.remove = remove
    }
}

extension SQLiteBankStore {
    /// Bank videos: one row per video, its frames in the vpdq reference's text format.
    static func registerVideoMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-video") { db in
            try db.execute(
                sql: """
                    CREATE TABLE bank_video (
                        id INTEGER PRIMARY KEY,
                        bank_id INTEGER NOT NULL REFERENCES bank(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        md5 TEXT,
                        frames TEXT NOT NULL,
                        frame_count INTEGER NOT NULL,
                        label TEXT,
                        category TEXT,
                        external_id TEXT,
                        added_at TEXT NOT NULL,
                        added_by TEXT NOT NULL,
                        UNIQUE (bank_id, name)
                    );
                    """)
        }
    }

    /// The most frames one stored video may have (a 24-hour video at one frame per second).
    public static let maxVideoFrames = 86_400

    public func applyVideos(_ changes: [VideoChange], toBank bankID: Int64, addedBy: String) throws(StoreError)
        -> ChangeSummary
    {
        for change in changes {
            guard !change.name.isEmpty, change.name.utf8.count <= 1000 else {
                throw StoreError(.invalid, "a video name must be 1–1000 bytes")
            }
            guard change.features.count <= Self.maxVideoFrames else {
                throw StoreError(.invalid, "a video may have at most \(Self.maxVideoFrames) frames")
            }
            if let md5 = change.md5, HashValue(kind: .md5, hex: md5) == nil {
                throw StoreError(.invalid, "a video MD5 must be 32 hex digits")
            }
        }
        let now = Timestamp.now()
        return try write { db in
            var summary = ChangeSummary()
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO bank_video (bank_id, name, md5, frames, frame_count, label, category, external_id, added_at, added_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (bank_id, name) DO UPDATE SET md5 = excluded.md5, frames = excluded.frames,
                        frame_count = excluded.frame_count, label = excluded.label, category = excluded.category,
                        external_id = excluded.external_id
                    """)
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM bank_video WHERE bank_id = ? AND name = ?")
            let delete = try db.cachedStatement(sql: "DELETE FROM bank_video WHERE bank_id = ? AND name = ?")
            for change in changes {
                if change.remove {
                    try delete.execute(arguments: [bankID, change.name])
                    if db.changesCount > 0 { summary.removed += 1 } else { summary.missingRemovals += 1 }
                    continue
                }
                let existed = try Bool.fetchOne(exists, arguments: [bankID, change.name]) ?? false
                try upsert.execute(arguments: [
                    bankID, change.name, change.md5.flatMap { HashValue(kind: .md5, hex: $0)?.hex },
                    VPDQ.text(change.features), change.features.count, change.label, change.category, change.externalID,
                    now, addedBy,
                ])
                if existed { summary.updated += 1 } else { summary.added += 1 }
            }
            if summary.added + summary.updated + summary.removed > 0 {
                try db.execute(
                    sql: "UPDATE bank SET version = version + 1, updated_at = ? WHERE id = ?", arguments: [now, bankID])
            }
            return summary
        }
    }

    public func forEachVideo(inBank bankID: Int64, _ body: (VideoRecord) -> Void) throws(StoreError) {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM bank_video WHERE bank_id = ? ORDER BY id", arguments: [bankID])
            while let row = try rows.next() {
                if let video = Self.video(row) { body(video) }
            }
        }
    }

    public func videoCounts(inBank bankID: Int64) throws(StoreError) -> (videos: Int, frames: Int) {
        try read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(frame_count), 0) AS f FROM bank_video WHERE bank_id = ?",
                arguments: [bankID])
            let videos: Int = row?["n"] ?? 0
            let frames: Int = row?["f"] ?? 0
            return (videos, frames)
        }
    }

    private static func video(_ row: Row) -> VideoRecord? {
        guard case .success(let features) = VPDQ.parse(row["frames"] as String) else { return nil }
        return VideoRecord(
            id: row["id"], bankID: row["bank_id"], name: row["name"], md5: row["md5"], features: features, label: row["label"],
            category: row["category"], externalID: row["external_id"], addedAt: row["added_at"], addedBy: row["added_by"])
    }
}
