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
                let n = systemRead(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failure = CoreError(.unreadable, n == 0 ? "file shrank while being read" : "read failed: \(errnoText())")
                    break
                }
                done += n
            }
            count = done
        }
        if let failure { throw failure }
        return bytes
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
