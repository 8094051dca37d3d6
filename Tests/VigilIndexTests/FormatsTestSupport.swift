import Testing
import VigilIndex

/// What one import delivered.
struct ImportResult {
    var entries: [ImportedEntry] = []
    var problems: [ImportProblem] = []

    var hashes: [HashValue?] { entries.map(\.hash) }
    var problemLines: [Int] { problems.map(\.line) }
}

/// Imports `text` fed in chunks of `chunkSize` bytes.
func importList(
    _ format: ListFormat, _ text: String, chunkSize: Int = 1 << 20, defaultKind: HashKind? = nil,
    maxLineBytes: Int = ListImporter.defaultMaxLineBytes
) throws(IndexError) -> ImportResult {
    var result = ImportResult()
    try ListImporter.read(
        format, chunks: chunked(Array(text.utf8), size: chunkSize), defaultKind: defaultKind,
        maxLineBytes: maxLineBytes,
        entry: { result.entries.append($0) }, problem: { result.problems.append($0) })
    return result
}

/// Imports `text`, also collecting what was delivered before an error; returns the error.
func importFailing(_ format: ListFormat, _ text: String, chunkSize: Int = 1 << 20) -> (ImportResult, IndexError?) {
    var result = ImportResult()
    do {
        try ListImporter.read(
            format, chunks: chunked(Array(text.utf8), size: chunkSize), entry: { result.entries.append($0) },
            problem: { result.problems.append($0) })
        return (result, nil)
    } catch {
        return (result, error)
    }
}

func chunked(_ bytes: [UInt8], size: Int) -> [[UInt8]] {
    stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
}

/// Deterministic pseudo-random lowercase hex of `length` digits (SplitMix64 of `seed`).
func hex(_ seed: Int, _ length: Int) -> String {
    var state = UInt64(truncatingIfNeeded: seed) &+ 0x9E37_79B9_7F4A_7C15
    var digits = ""
    while digits.count < length {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let word = String(z, radix: 16)
        digits += String(repeating: "0", count: 16 - word.count) + word
    }
    return String(digits.prefix(length))
}

func hash(_ kind: HashKind, _ seed: Int) -> HashValue {
    HashValue(kind: kind, hex: hex(seed, kind.hexLength))!
}

/// True if no problem message quotes any of `secrets` or any run of 16 hex digits.
func problemsAreClean(_ problems: [ImportProblem], secrets: [String]) -> Bool {
    problems.allSatisfy { problem in
        let message = problem.description.lowercased()
        let quotesSecret = secrets.contains { !$0.isEmpty && message.contains($0.lowercased()) }
        var run = 0
        var longestHexRun = 0
        for character in message {
            run = character.isHexDigit ? run + 1 : 0
            longestHexRun = max(longestHexRun, run)
        }
        return !quotesSecret && longestHexRun < 16
    }
}

/// Chunk sizes that put chunk boundaries everywhere, in the middle and nowhere.
let chunkSizes = [1, 7, 64, 1 << 20]
