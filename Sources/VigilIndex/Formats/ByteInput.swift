#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pull source of list bytes: an open file or in-memory chunks.
struct ByteInput {
    /// Fills the start of the buffer and returns how many bytes it wrote; 0 at the end.
    let read: (UnsafeMutableRawBufferPointer) throws(IndexError) -> Int

    /// Reads `fd` (owned by the caller) with POSIX `read`.
    static func file(_ fd: Int32) -> ByteInput {
        ByteInput { (buffer) throws(IndexError) -> Int in
            while true {
                let n = systemRead(fd, buffer.baseAddress, buffer.count)
                if n >= 0 { return n }
                if errno != EINTR { throw IndexError(.io, "cannot read the list: \(errnoText())") }
            }
        }
    }

    /// Serves `chunks` in order, never merging two chunks into one read.
    static func chunks(_ chunks: some Sequence<[UInt8]>) -> ByteInput {
        var iterator = chunks.makeIterator()
        var current: [UInt8] = []
        var offset = 0
        return ByteInput { buffer in
            while offset == current.count {
                guard let next = iterator.next() else { return 0 }
                current = next
                offset = 0
            }
            let count = min(buffer.count, current.count - offset)
            current.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
            }
            offset += count
            return count
        }
    }

    /// Calls `body` with each chunk of at most `chunkSize` bytes, in order, until the end.
    func forEachChunk(
        chunkSize: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(IndexError) -> Void
    ) throws(IndexError) {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        while true {
            let count = try read(UnsafeMutableRawBufferPointer(buffer))
            if count == 0 { return }
            try body(UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.read(fd, buffer, count)
        #else
            Darwin.read(fd, buffer, count)
        #endif
    }
}

/// The UTF-8 byte-order mark, which some Windows tools put at the start of text files.
let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]
