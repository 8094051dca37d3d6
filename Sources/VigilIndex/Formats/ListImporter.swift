#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams hash lists in any `ListFormat`, reading 256 KiB at a time, so memory stays flat
/// whatever the list's size.
///
/// Every valid entry goes to `entry` and every bad record to `problem` (with its line); a bad
/// record never stops the import. `read` throws only when it cannot go on: an I/O failure, or a
/// file whose structure is broken beyond the current record (unbalanced JSON, XML that is not
/// well-formed, a DOCTYPE, a missing HMA column). The entries delivered before a throw are
/// valid, but the list was not read to its end, so treat the import as incomplete.
///
/// `defaultKind` (`.pdq` or `.sha256`, default PDQ) is the kind of 64-digit hashes in `text` and
/// `csv`, the formats that do not say. `maxLineBytes` caps one line, CSV record, JSON record or
/// XML text value; a longer one is reported and skipped.
public enum ListImporter {
    public static let defaultMaxLineBytes = 1 << 20

    /// Reads the list at `path`.
    public static func read(
        _ format: ListFormat, path: String, defaultKind: HashKind? = nil, maxLineBytes: Int = defaultMaxLineBytes,
        entry: (ImportedEntry) -> Void, problem: (ImportProblem) -> Void
    ) throws(IndexError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IndexError(.io, "cannot open the list: \(ByteInput.errnoText())") }
        defer { close(fd) }
        try read(
            format, input: .file(fd), defaultKind: defaultKind, maxLineBytes: maxLineBytes, entry: entry,
            problem: problem)
    }

    /// Reads a list delivered as `chunks`, in order (chunk boundaries may fall anywhere).
    public static func read(
        _ format: ListFormat, chunks: some Sequence<[UInt8]>, defaultKind: HashKind? = nil,
        maxLineBytes: Int = defaultMaxLineBytes, entry: (ImportedEntry) -> Void, problem: (ImportProblem) -> Void
    ) throws(IndexError) {
        try read(
            format, input: .chunks(chunks), defaultKind: defaultKind, maxLineBytes: maxLineBytes, entry: entry,
            problem: problem)
    }

    static let chunkSize = 256 << 10

    private static func read(
        _ format: ListFormat, input: ByteInput, defaultKind: HashKind?, maxLineBytes: Int,
        entry: (ImportedEntry) -> Void, problem: (ImportProblem) -> Void
    ) throws(IndexError) {
        let wide = defaultKind ?? .pdq
        guard wide == .pdq || wide == .sha256 else {
            throw IndexError(.unsupported, "the default kind of 64-digit hashes must be pdq or sha256")
        }
        guard maxLineBytes > 0 else { throw IndexError(.unsupported, "maxLineBytes must be positive") }
        try withoutActuallyEscaping(entry) { (entry) throws(IndexError) in
            try withoutActuallyEscaping(problem) { (problem) throws(IndexError) in
                let sink = ImportSink(entry: entry, problem: problem)
                switch format {
                case .text: try run(TextReader(wide: wide, maxLineBytes: maxLineBytes), input, sink)
                case .csv: try run(CSVRowReader(CSVListRows(wide: wide), maxRecordBytes: maxLineBytes), input, sink)
                case .hma: try run(CSVRowReader(HMARows(), maxRecordBytes: maxLineBytes), input, sink)
                case .vics: try run(VICSReader(maxRecordBytes: maxLineBytes), input, sink)
                case .stopncii: try run(StopNCIIReader(maxRecordBytes: maxLineBytes), input, sink)
                case .ncmec: try NCMECReader.read(input, maxTextBytes: maxLineBytes, sink: sink)
                case .vpdq: throw IndexError(.unsupported, "vpdq lists hold videos, not hashes: import them as bank videos")
                }
            }
        }
    }

    private static func run<Reader: ChunkConsumer>(_ reader: Reader, _ input: ByteInput, _ sink: ImportSink)
        throws(IndexError)
    {
        var reader = reader
        try input.forEachChunk(chunkSize: chunkSize) { (chunk) throws(IndexError) in try reader.feed(chunk, sink) }
        try reader.finish(sink)
    }
}

/// Where a format reader delivers entries and problems.
struct ImportSink {
    let entry: (ImportedEntry) -> Void
    let problem: (ImportProblem) -> Void

    func report(_ line: Int, _ message: String) {
        problem(ImportProblem(line: line, message: message))
    }
}

/// A format reader fed with the input's chunks in order, then told the input has ended.
protocol ChunkConsumer {
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ sink: ImportSink) throws(IndexError)
    mutating func finish(_ sink: ImportSink) throws(IndexError)
}
