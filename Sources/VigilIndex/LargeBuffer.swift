#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed-size, cache-line-aligned array for the index's large tables. Buffers of 2 MiB or more
/// are aligned to 2 MiB and advised as transparent huge pages: random probes into hundreds of
/// megabytes otherwise spend most of their time in page-table walks.
///
/// Written only while its owner is being built, then read-only; hence `@unchecked Sendable`.
final class LargeBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    private static var hugePage: Int { 2 << 20 }

    /// A zero-filled buffer of `count` elements.
    init(zeroed count: Int) {
        self.count = count
        let bytes = max(MemoryLayout<Element>.stride * count, 64)
        let alignment = bytes >= Self.hugePage ? Self.hugePage : 64
        let rounded = (bytes + alignment - 1) / alignment * alignment
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, alignment, rounded) == 0, let raw else {
            fatalError("out of memory allocating \(rounded) bytes for an index table")
        }
        #if os(Linux)
            if alignment == Self.hugePage { _ = madvise(raw, rounded, MADV_HUGEPAGE) }
        #endif
        memset(raw, 0, rounded)
        base = raw.bindMemory(to: Element.self, capacity: count)
    }

    convenience init(_ elements: some Collection<Element>) {
        self.init(zeroed: elements.count)
        _ = UnsafeMutableBufferPointer(start: base, count: count).initialize(from: elements)
    }

    deinit { free(base) }

    var bytes: Int { MemoryLayout<Element>.stride * count }

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
}
