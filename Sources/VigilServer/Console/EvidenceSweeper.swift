import Foundation
import Logging
import ServiceLifecycle
import VigilStore

/// Deletes evidence past its retention (never on legal hold): the encrypted file first, then the
/// record with an audit entry, so a crash in between only leaves a record the next sweep finishes.
/// Runs at start and then every `interval`, until graceful shutdown.
struct EvidenceSweeper: Service {
    let store: SQLiteBankStore
    let vault: EvidenceVault
    var interval: Duration = .seconds(3600)
    let logger: Logger

    /// One pass; returns how many records were deleted.
    @discardableResult
    func sweep(now: Date = Date()) -> Int {
        var deleted = 0
        while let batch = try? store.expiredEvidence(at: Timestamp.string(now), limit: 100), !batch.isEmpty {
            for record in batch {
                if let name = record.path.split(separator: "/").last { vault.remove(String(name)) }
                guard (try? store.deleteEvidence(id: record.id, by: "system:retention")) != nil else { return deleted }
                deleted += 1
            }
        }
        if deleted > 0 { logger.notice("retention sweep deleted expired evidence", metadata: ["records": "\(deleted)"]) }
        return deleted
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            sweep()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
