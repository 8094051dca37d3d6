#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a field is not a hash, in words that describe the field and never quote it.
struct HashProblem: Error {
    let message: String
}

extension HashKind {
    /// The name people use in messages: PDQ, MD5, SHA-1, SHA-256.
    var displayName: String {
        switch self {
        case .pdq: "PDQ"
        case .md5: "MD5"
        case .sha1: "SHA-1"
        case .sha256: "SHA-256"
        }
    }
}

extension HashValue {
    /// Wraps `hex` that the caller has checked is `kind.hexLength` lowercase hex digits.
    fileprivate init(kind: HashKind, checkedLowercaseHex hex: String) {
        self.kind = kind
        self.hex = hex
    }
}

/// Parses hex hashes from raw bytes, with problem messages that give lengths and positions only.
enum HashText {
    /// Parses `bytes` (surrounding ASCII whitespace ignored) as a `kind` hash.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, kind: HashKind) throws(HashProblem) -> HashValue {
        let digits = trimmed(bytes)
        guard !digits.isEmpty else { throw HashProblem(message: "\(kind.displayName) hash is empty") }
        guard digits.count == kind.hexLength else {
            throw HashProblem(
                message: "\(kind.displayName) hash must be \(kind.hexLength) hex digits "
                    + "(got \(characterCount(digits)) characters)")
        }
        return try canonical(digits, kind: kind)
    }

    /// Parses a string field as a `kind` hash.
    static func parse(_ text: String, kind: HashKind) throws(HashProblem) -> HashValue {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(HashProblem) in try parse(bytes, kind: kind) }
        }.get()
    }

    /// Parses a string field whose kind the list does not state, as the byte form does.
    static func parseInferringKind(_ text: String, wide: HashKind) throws(HashProblem) -> HashValue {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(HashProblem) in try parseInferringKind(bytes, wide: wide) }
        }.get()
    }

    /// Parses a hash whose kind the list does not state: an optional `md5:`/`sha1:`/`sha256:`/`pdq:`
    /// prefix, else the length (32 MD5, 40 SHA-1, 64 `wide`, which is `.pdq` or `.sha256`).
    static func parseInferringKind(_ bytes: UnsafeBufferPointer<UInt8>, wide: HashKind) throws(HashProblem) -> HashValue {
        let field = trimmed(bytes)
        if let base = field.baseAddress, let found = memchr(base, Int32(UInt8(ascii: ":")), field.count) {
            let colon = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            guard let kind = kindPrefix(UnsafeBufferPointer(rebasing: field[..<colon])) else {
                throw HashProblem(message: "unknown hash kind before ':' (expected md5, sha1, sha256 or pdq)")
            }
            return try parse(UnsafeBufferPointer(rebasing: field[(colon + 1)...]), kind: kind)
        }
        switch field.count {
        case HashKind.md5.hexLength: return try parse(field, kind: .md5)
        case HashKind.sha1.hexLength: return try parse(field, kind: .sha1)
        case wide.hexLength: return try parse(field, kind: wide)
        case 0: throw HashProblem(message: "hash is empty")
        default:
            throw HashProblem(
                message: "hash must be 32 (MD5), 40 (SHA-1) or 64 (\(wide.displayName)) hex digits "
                    + "(got \(characterCount(field)) characters)")
        }
    }

    /// `bytes` without leading and trailing spaces, tabs, CR and LF.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// Each byte's lowercase hex digit, or 0 if the byte is not a hex digit.
    private static let lowercaseDigit: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt8(byte) + 32
        default: 0
        }
    }

    private static func canonical(_ digits: UnsafeBufferPointer<UInt8>, kind: HashKind) throws(HashProblem) -> HashValue {
        var badPosition: Int?
        let hex = lowercaseDigit.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: digits.count) { out in
                for i in 0..<digits.count {
                    let digit = table[Int(digits[i])]
                    if digit == 0 {
                        badPosition = characterCount(UnsafeBufferPointer(rebasing: digits[..<i])) + 1
                        return 0
                    }
                    out[i] = digit
                }
                return digits.count
            }
        }
        if let badPosition {
            throw HashProblem(message: "\(kind.displayName) hash has a non-hex character at position \(badPosition)")
        }
        return HashValue(kind: kind, checkedLowercaseHex: hex)
    }

    private static func kindPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> HashKind? {
        let name = String(decoding: bytes, as: UTF8.self).lowercased()
        return HashKind(rawValue: name)
    }

    /// Unicode scalars in UTF-8 `bytes` (continuation bytes are not counted).
    private static func characterCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }
}
