import VigilCore

/// Cheap looks at a file before it is read: its stamp (size, modification time) and first bytes.
enum FileProbe {
    static func stamp(_ path: String) -> FileStamp? {
        FileInput.stamp(path).map { FileStamp(size: $0.size, mtime: $0.mtimeNanoseconds) }
    }

    /// Up to the first 8 bytes (fewer for a short or unreadable file).
    static func head(_ path: String) -> [UInt8] { FileInput.head(path, count: 8) }
}
