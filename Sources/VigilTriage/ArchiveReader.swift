import Foundation
import ZIPFoundation

/// Zip-bomb limits, all checked from the central directory before anything is inflated; an
/// entry that inflates past its declared size is stopped at that size.
public struct ArchiveLimits: Sendable, Equatable {
    /// Most file entries in one archive (nested archives count on their own).
    public var maxEntries: Int
    /// Most uncompressed bytes in one archive, summed over its entries.
    public var maxTotalBytes: Int
    /// Most uncompressed bytes of one entry (the media byte limit).
    public var maxEntryBytes: Int
    /// Highest uncompressed/compressed ratio of one entry.
    public var maxRatio: Int
    /// Deepest nesting of archives within archives that is opened (1 = no nested archives).
    public var maxDepth: Int

    public init(
        maxEntries: Int = 100_000, maxTotalBytes: Int = 8 << 30, maxEntryBytes: Int = 512 << 20, maxRatio: Int = 200,
        maxDepth: Int = 3
    ) {
        self.maxEntries = maxEntries
        self.maxTotalBytes = maxTotalBytes
        self.maxEntryBytes = maxEntryBytes
        self.maxRatio = maxRatio
        self.maxDepth = maxDepth
    }
}

/// Reads the files inside ZIP archives (ZIPFoundation), nested archives included, under
/// `ArchiveLimits`. Members are named `archive.zip!/dir/file`, nested ones `a.zip!/b.zip!/file`.
public enum ArchiveReader {
    /// The separator between an archive's path and a member's path.
    public static let separator = "!/"

    /// Whether `head` (the first bytes of a file) starts a ZIP archive.
    public static func isArchive(_ head: some Collection<UInt8>) -> Bool {
        Array(head.prefix(4)) == [0x50, 0x4B, 0x03, 0x04] || Array(head.prefix(4)) == [0x50, 0x4B, 0x05, 0x06]
    }

    /// Calls `member` once per file entry, in archive order, with its bytes or the reason it was
    /// refused; nested archives are entered (to `limits.maxDepth`) instead of being reported.
    /// Throws when the archive as a whole is unreadable or over a limit (nothing is reported then).
    public static func forEachMember(
        ofFile path: String, limits: ArchiveLimits,
        _ member: (_ name: String, _ bytes: Result<[UInt8], TriageError>) -> Void
    ) throws(TriageError) {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw TriageError(.archive, "not a readable ZIP archive")
        }
        try walk(archive, name: path, depth: 1, limits: limits, member)
    }

    /// The bytes of one member, `name` as `forEachMember` reports it.
    public static func member(named name: String, limits: ArchiveLimits) throws(TriageError) -> [UInt8] {
        let parts = name.components(separatedBy: separator)
        guard parts.count >= 2 else { throw TriageError(.invalid, "not an archive member name") }
        var archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: parts[0]), accessMode: .read)
        } catch {
            throw TriageError(.archive, "not a readable ZIP archive")
        }
        for (level, inner) in parts.dropFirst().enumerated() {
            guard let entry = archive[inner], entry.type == .file else {
                throw TriageError(.archive, "no such member in the archive")
            }
            try check(entry, limits: limits)
            let bytes = try extract(entry, from: archive)
            if level == parts.count - 2 { return bytes }
            do {
                archive = try Archive(data: Data(bytes), accessMode: .read)
            } catch {
                throw TriageError(.archive, "nested member is not a readable ZIP archive")
            }
        }
        throw TriageError(.archive, "no such member in the archive")
    }

    private static func walk(
        _ archive: Archive, name: String, depth: Int, limits: ArchiveLimits,
        _ member: (String, Result<[UInt8], TriageError>) -> Void
    ) throws(TriageError) {
        // The whole archive's limits, from the central directory only.
        var files: [Entry] = []
        var total = 0
        for entry in archive where entry.type == .file {
            files.append(entry)
            guard files.count <= limits.maxEntries else {
                throw TriageError(.archive, "archive has more than \(limits.maxEntries) entries; not opened")
            }
            total = total.addingReportingOverflow(Int(clamping: entry.uncompressedSize)).partialValue
            guard total >= 0, total <= limits.maxTotalBytes else {
                throw TriageError(.archive, "archive declares more than \(limits.maxTotalBytes) uncompressed bytes; not opened")
            }
        }
        for entry in files {
            let memberName = name + separator + entry.path
            let bytes: [UInt8]
            do throws(TriageError) {
                try check(entry, limits: limits)
                bytes = try extract(entry, from: archive)
            } catch {
                member(memberName, .failure(error))
                continue
            }
            guard isArchive(bytes) else {
                member(memberName, .success(bytes))
                continue
            }
            guard depth < limits.maxDepth else {
                member(memberName, .failure(TriageError(.archive, "archives nested deeper than \(limits.maxDepth); not opened")))
                continue
            }
            let nested: Archive
            do {
                nested = try Archive(data: Data(bytes), accessMode: .read)
            } catch {
                member(memberName, .failure(TriageError(.archive, "not a readable ZIP archive")))
                continue
            }
            do throws(TriageError) {
                try walk(nested, name: memberName, depth: depth + 1, limits: limits, member)
            } catch {
                member(memberName, .failure(error))
            }
        }
    }

    private static func check(_ entry: Entry, limits: ArchiveLimits) throws(TriageError) {
        let size = entry.uncompressedSize, packed = max(entry.compressedSize, 1)
        guard size <= UInt64(limits.maxEntryBytes) else {
            throw TriageError(.archive, "member declares \(size) bytes, over the limit of \(limits.maxEntryBytes)")
        }
        guard size / packed <= UInt64(limits.maxRatio) else {
            throw TriageError(.archive, "member compression ratio over \(limits.maxRatio):1 (a zip bomb?); not inflated")
        }
    }

    /// Inflates one entry into memory, never past its declared size.
    private static func extract(_ entry: Entry, from archive: Archive) throws(TriageError) -> [UInt8] {
        let declared = Int(entry.uncompressedSize)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(declared)
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard bytes.count + chunk.count <= declared else { throw ArchiveOverrun() }
                bytes.append(contentsOf: chunk)
            }
        } catch is ArchiveOverrun {
            throw TriageError(.archive, "member inflates past its declared size; not read")
        } catch {
            throw TriageError(.archive, "member cannot be inflated (damaged archive)")
        }
        return bytes
    }
}

private struct ArchiveOverrun: Error {}
