/// Finds records in streamed JSON without building the document. It follows strings, escapes
/// and nesting, and captures each object at one of the record paths (say, each element of a
/// top-level `value` array) as raw bytes for a JSON decoder, holding at most one record.
///
/// A record that turns out to hold an array of records is dropped for them: a VICS case is a
/// record until its `Media` array shows it is a container. A record over `maxRecordBytes` is
/// reported and skipped unbuffered; one whose brackets do not match, or whose string runs past a
/// line break, is reported as invalid. Broken structure outside any record (and input ending
/// inside a value) throws.
struct JSONRecordScanner {
    /// One step down a JSON path: into an object's key, or into any element of an array.
    enum Step: Hashable {
        case key(String)
        case element
    }

    /// The record paths as a trie: node 0 is the top-level value.
    private struct PathNode {
        var children: [Step: Int] = [:]
        var isRecord = false
        var hasKeyChildren: Bool { children.keys.contains { $0 != .element } }
    }

    private struct Frame {
        let isObject: Bool
        /// The trie node of this container's path; nil off every record path.
        let node: Int?
        /// Objects: the key whose value comes next, when this object's keys matter.
        var key: String?
        /// Objects: the next string is a key.
        var expectingKey: Bool
    }

    private struct Capture {
        /// Index of the record's frame in the stack.
        let depth: Int
        let line: Int
        var bytes: [UInt8] = []
        /// Where the record's part of the current chunk starts.
        var segmentStart: Int
        var oversized = false
        var invalid = false
    }

    /// Deeper nesting throws: the scanner keeps a frame per open bracket.
    static let maxNesting = 512

    let maxRecordBytes: Int
    private let nodes: [PathNode]
    private var stack: [Frame] = []
    private var capture: Capture?
    private var line = 1
    private var inString = false
    private var escaped = false
    private var inScalar = false
    /// The key being read, when its object's keys matter.
    private var keyBytes: [UInt8]?
    private var bomBytes = 0
    private var pastBOM = false
    /// Whether an array whose elements are records was seen.
    private(set) var foundRecordArray = false

    /// `recordPaths` lists where records are, e.g. `[[.key("value"), .element]]`; `[]` makes the
    /// top-level value (or each of several, as in JSON lines) a record.
    init(recordPaths: [[Step]], maxRecordBytes: Int) {
        self.maxRecordBytes = maxRecordBytes
        var nodes = [PathNode()]
        for path in recordPaths {
            var node = 0
            for step in path {
                if let child = nodes[node].children[step] {
                    node = child
                } else {
                    nodes.append(PathNode())
                    nodes[node].children[step] = nodes.count - 1
                    node = nodes.count - 1
                }
            }
            nodes[node].isRecord = true
        }
        self.nodes = nodes
    }

    /// Scans `chunk`, calling `record` with each complete record and the line it starts on.
    mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>, record: ([UInt8], Int) -> Void, problem: (ImportProblem) -> Void
    ) throws(IndexError) {
        for i in 0..<chunk.count {
            let byte = chunk[i]
            if !pastBOM {
                if bomBytes < utf8BOM.count && byte == utf8BOM[bomBytes] {
                    bomBytes += 1
                    continue
                }
                pastBOM = true
            }
            if inString {
                try scanString(byte)
                continue
            }
            if inScalar {
                if Self.isScalarByte(byte) { continue }
                inScalar = false
            }
            switch byte {
            case 0x20, 0x09, 0x0D, UInt8(ascii: ":"): break
            case 0x0A: line += 1
            case UInt8(ascii: "\""):
                inString = true
                if let top = stack.last, top.isObject, top.expectingKey {
                    stack[stack.count - 1].expectingKey = false
                    keyBytes = top.node.map { nodes[$0].hasKeyChildren } == true ? [] : nil
                } else {
                    scalarStarts(problem)
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                try containerStarts(isObject: byte == UInt8(ascii: "{"), at: i, problem)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                try containerEnds(isObject: byte == UInt8(ascii: "}"), at: i, chunk, record, problem)
            case UInt8(ascii: ","):
                if let top = stack.last, top.isObject {
                    stack[stack.count - 1].expectingKey = true
                    stack[stack.count - 1].key = nil
                }
            default:
                guard Self.isScalarByte(byte) else {
                    try broken("unexpected character")
                    continue
                }
                inScalar = true
                scalarStarts(problem)
            }
        }
        if capture != nil {
            append(chunk, capture?.segmentStart ?? 0, chunk.count)
            capture?.segmentStart = 0
        }
    }

    /// Throws if the input ended inside a value.
    func finish() throws(IndexError) {
        guard inString || !stack.isEmpty else { return }
        if let capture {
            throw IndexError(
                .malformed, "line \(line): the input ends inside the record that starts at line \(capture.line)")
        }
        throw IndexError(.malformed, "line \(line): the input ends inside a JSON value")
    }

    private mutating func scanString(_ byte: UInt8) throws(IndexError) {
        if escaped {
            escaped = false
        } else if byte == UInt8(ascii: "\\") {
            escaped = true
        } else if byte == UInt8(ascii: "\"") {
            inString = false
            if let keyBytes {
                stack[stack.count - 1].key = String(decoding: keyBytes, as: UTF8.self)
                self.keyBytes = nil
            }
            return
        } else if byte == 0x0A {
            inString = false
            keyBytes = nil
            try broken("a string is not closed before the end of the line")
            line += 1
            return
        }
        if let count = keyBytes?.count, count < 64 { keyBytes?.append(byte) }
    }

    /// The trie node of the value that starts now; nil off the record paths.
    private func nodeOfNewValue() -> Int? {
        guard let parent = stack.last else { return 0 }
        guard let node = parent.node else { return nil }
        return nodes[node].children[parent.isObject ? .key(parent.key ?? "") : .element]
    }

    private mutating func scalarStarts(_ problem: (ImportProblem) -> Void) {
        if let node = nodeOfNewValue(), nodes[node].isRecord {
            problem(ImportProblem(line: line, message: "record is not a JSON object"))
        }
    }

    private mutating func containerStarts(
        isObject: Bool, at index: Int, _ problem: (ImportProblem) -> Void
    ) throws(IndexError) {
        guard stack.count < Self.maxNesting else {
            throw IndexError(.malformed, "line \(line): JSON is nested deeper than \(Self.maxNesting) levels")
        }
        let node = nodeOfNewValue()
        if let node, nodes[node].isRecord {
            if isObject {
                capture = Capture(depth: stack.count, line: line, segmentStart: index)
            } else if nodes[node].children.isEmpty {
                problem(ImportProblem(line: line, message: "record is not a JSON object"))
            }
        }
        if !isObject, let node, let element = nodes[node].children[.element], nodes[element].isRecord {
            // The record being captured holds records (a VICS case its media): it is a container.
            foundRecordArray = true
            capture = nil
        }
        stack.append(Frame(isObject: isObject, node: node, key: nil, expectingKey: isObject))
    }

    private mutating func containerEnds(
        isObject: Bool, at index: Int, _ chunk: UnsafeBufferPointer<UInt8>, _ record: ([UInt8], Int) -> Void,
        _ problem: (ImportProblem) -> Void
    ) throws(IndexError) {
        guard let match = stack.lastIndex(where: { $0.isObject == isObject }) else {
            throw IndexError(.malformed, "line \(line): a closing bracket has no opening bracket")
        }
        if match != stack.count - 1 { try broken("brackets do not match") }
        while stack.count > match {
            if let capture, capture.depth == stack.count - 1 {
                append(chunk, capture.segmentStart, index + 1)
                finishCapture(record, problem)
            }
            stack.removeLast()
        }
    }

    private mutating func finishCapture(_ record: ([UInt8], Int) -> Void, _ problem: (ImportProblem) -> Void) {
        guard let capture else { return }
        self.capture = nil
        if capture.oversized {
            problem(
                ImportProblem(line: capture.line, message: "record is larger than \(maxRecordBytes) bytes; skipped"))
        } else if capture.invalid {
            problem(ImportProblem(line: capture.line, message: "record is not valid JSON"))
        } else {
            record(capture.bytes, capture.line)
        }
    }

    /// Adds `chunk[start..<end]` to the record being captured, unless it has grown too large.
    private mutating func append(_ chunk: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        guard var capture, !capture.oversized else { return }
        self.capture = nil
        if capture.bytes.count + (end - start) > maxRecordBytes {
            capture.oversized = true
            capture.bytes = []
        } else {
            capture.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<end]))
        }
        self.capture = capture
    }

    /// Marks the record being captured as invalid; outside a record, the structure is broken.
    private mutating func broken(_ what: String) throws(IndexError) {
        guard capture != nil else { throw IndexError(.malformed, "line \(line): \(what) (outside any record)") }
        capture?.invalid = true
    }

    /// Bytes that can continue a number, `true`, `false` or `null`.
    private static func isScalarByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            true
        default: false
        }
    }
}
