#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits streamed bytes into lines (LF or CRLF; a leading UTF-8 BOM dropped), holding at most
/// one line. A line over `maxLineBytes` is reported once and skipped without being buffered.
struct LineSplitter {
    let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var lineNumber = 1
    private var skipping = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// Emits every line that `chunk` completes, with its 1-based number.
    mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>, line: (Int, UnsafeBufferPointer<UInt8>) -> Void,
        problem: (ImportProblem) -> Void
    ) {
        guard let base = chunk.baseAddress else { return }
        var start = 0
        while start < chunk.count {
            guard let newline = memchr(base + start, 0x0A, chunk.count - start) else {
                let rest = chunk.count - start
                if !skipping {
                    if pending.count + rest > maxLineBytes {
                        reportTooLong(problem)
                        skipping = true
                        pending = []
                    } else {
                        pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start...]))
                    }
                }
                return
            }
            let end = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
            let piece = UnsafeBufferPointer(rebasing: chunk[start..<end])
            if skipping {
                skipping = false
            } else if pending.count + piece.count > maxLineBytes {
                reportTooLong(problem)
                pending.removeAll(keepingCapacity: true)
            } else if pending.isEmpty {
                emit(piece, line)
            } else {
                pending.append(contentsOf: piece)
                pending.withUnsafeBufferPointer { emit($0, line) }
                pending.removeAll(keepingCapacity: true)
            }
            lineNumber += 1
            start = end + 1
        }
    }

    /// Emits the last line when the input does not end with a line break.
    mutating func finish(line: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        if !skipping && !pending.isEmpty {
            pending.withUnsafeBufferPointer { emit($0, line) }
        }
        pending = []
    }

    private func reportTooLong(_ problem: (ImportProblem) -> Void) {
        problem(ImportProblem(line: lineNumber, message: "line is longer than \(maxLineBytes) bytes; skipped"))
    }

    private func emit(_ bytes: UnsafeBufferPointer<UInt8>, _ line: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        var bytes = bytes
        if lineNumber == 1, bytes.starts(with: utf8BOM) {
            bytes = UnsafeBufferPointer(rebasing: bytes[3...])
        }
        if let last = bytes.last, last == 0x0D {
            bytes = UnsafeBufferPointer(rebasing: bytes[..<(bytes.count - 1)])
        }
        line(lineNumber, bytes)
    }
}
