/// Reads RFC 4180 records from streamed bytes: quoted fields (which may hold commas, `""` and
/// line breaks), LF or CRLF, a leading UTF-8 BOM, blank lines and `#` comment lines skipped.
/// A record over `maxRecordBytes` is reported once and skipped without being buffered.
struct CSVReader {
    let maxRecordBytes: Int

    private enum State { case recordStart, comment, fieldStart, unquoted, quoted, quoteInQuoted }

    private var state = State.recordStart
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var line = 1
    private var recordLine = 1
    private var recordBytes = 0
    private var skipping = false
    private var bomBytes = 0
    private var pastBOM = false

    init(maxRecordBytes: Int) {
        self.maxRecordBytes = maxRecordBytes
    }

    /// Emits every record that `chunk` completes, with the line it starts on.
    mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>, record: (Int, [String]) throws(IndexError) -> Void,
        problem: (ImportProblem) -> Void
    ) throws(IndexError) {
        for byte in chunk {
            if !pastBOM {
                if bomBytes < utf8BOM.count && byte == utf8BOM[bomBytes] {
                    bomBytes += 1
                    continue
                }
                pastBOM = true
            }
            try consume(byte, record: record, problem: problem)
        }
    }

    /// Emits the last record when the input does not end with a line break.
    mutating func finish(
        record: (Int, [String]) throws(IndexError) -> Void, problem: (ImportProblem) -> Void
    ) throws(IndexError) {
        switch state {
        case .recordStart, .comment: break
        case .quoted:
            if !skipping {
                problem(
                    ImportProblem(line: recordLine, message: "quoted field is not closed before the end of the input"))
            }
        case .fieldStart, .unquoted, .quoteInQuoted: try endRecord(record)
        }
        state = .recordStart
    }

    private mutating func consume(
        _ byte: UInt8, record: (Int, [String]) throws(IndexError) -> Void, problem: (ImportProblem) -> Void
    ) throws(IndexError) {
        let newline: UInt8 = 0x0A
        let carriageReturn: UInt8 = 0x0D
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        switch state {
        case .recordStart:
            switch byte {
            case newline: line += 1
            case carriageReturn: break
            case UInt8(ascii: "#"): state = .comment
            default:
                recordLine = line
                recordBytes = 0
                state = .fieldStart
                try consume(byte, record: record, problem: problem)
            }
            return
        case .comment:
            if byte == newline {
                line += 1
                state = .recordStart
            }
            return
        case .fieldStart:
            switch byte {
            case quote: state = .quoted
            case comma: endField()
            case newline: try endRecord(record)
            case carriageReturn: break
            default:
                append(byte)
                state = .unquoted
            }
        case .unquoted:
            switch byte {
            case comma: endField()
            case newline: try endRecord(record)
            case carriageReturn: break
            default: append(byte)
            }
        case .quoted:
            if byte == quote {
                state = .quoteInQuoted
            } else {
                if byte == newline { line += 1 }
                append(byte)
            }
        case .quoteInQuoted:
            switch byte {
            case quote:
                append(quote)
                state = .quoted
            case comma: endField()
            case newline: try endRecord(record)
            case carriageReturn: break
            default:
                append(byte)
                state = .unquoted
            }
        }
        recordBytes += 1
        if recordBytes > maxRecordBytes && !skipping {
            problem(ImportProblem(line: recordLine, message: "record is longer than \(maxRecordBytes) bytes; skipped"))
            skipping = true
            fields = []
            field = []
        }
    }

    private mutating func append(_ byte: UInt8) {
        if !skipping { field.append(byte) }
    }

    private mutating func endField() {
        if !skipping { fields.append(String(decoding: field, as: UTF8.self)) }
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    private mutating func endRecord(_ record: (Int, [String]) throws(IndexError) -> Void) throws(IndexError) {
        endField()
        if !skipping { try record(recordLine, fields) }
        fields.removeAll(keepingCapacity: true)
        skipping = false
        line += 1
        state = .recordStart
    }
}
