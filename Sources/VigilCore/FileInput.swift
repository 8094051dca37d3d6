#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads whole files with the size checked before anything is allocated.
public enum FileInput {
    /// Returns the file's bytes, or throws if it is missing, not a regular file, unreadable,
    /// or larger than `maxBytes`.
    public static func read(_ path: String, maxBytes: Int) throws(CoreError) -> [UInt8] {
        try read(path, maxBytes: maxBytes) { _ in }
    }

    /// Reads the file as `read(_:maxBytes:)` does, handing each piece to `consume` right after it
    /// arrives (while it is still in the CPU cache): one pass over the bytes for whatever digests them.
    public static func read(_ path: String, maxBytes: Int, consume: (UnsafeRawBufferPointer) -> Void)
        throws(CoreError) -> [UInt8]
    {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CoreError(.unreadable, "cannot open: \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CoreError(.unreadable, "cannot stat: \(errnoText())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw CoreError(.unreadable, "not a regular file") }
        let size = Int(info.st_size)
        guard size <= maxBytes else {
            throw CoreError(.tooLarge, "file is \(size) bytes, over the limit of \(maxBytes)")
        }
        var failure: CoreError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let n = systemRead(fd, buffer.baseAddress! + done, min(size - done, pieceSize))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failure = CoreError(.unreadable, n == 0 ? "file shrank while being read" : "read failed: \(errnoText())")
                    break
                }
                consume(UnsafeRawBufferPointer(start: buffer.baseAddress! + done, count: n))
                done += n
            }
            count = done
        }
        if let failure { throw failure }
        return bytes
    }

    /// Bytes per `read` call: small enough to stay in L2 until consumed.
    static let pieceSize = 256 * 1024

    /// Size and modification time (nanoseconds since 1970) of the file at `path`, following links;
    /// nil if it cannot be stat'ed.
    public static func stamp(_ path: String) -> (size: Int, mtimeNanoseconds: Int64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        return (Int(info.st_size), Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    /// Up to the first `count` bytes of the file (fewer for a short or unreadable file).
    public static func head(_ path: String, count: Int) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, count) }
        return Array(bytes.prefix(max(0, n)))
    }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.read(fd, buffer, count)
        #else
            Darwin.read(fd, buffer, count)
        #endif
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
