/// The one error type of `VigilProvenance`: a stable code, a message for a person that names the
/// structure it concerns (never its content), and an optional cause.
public struct ProvenanceError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        /// The bytes end before a structure they declare.
        public static let truncated = Code("truncated")
        /// A structure breaks its format's rules.
        public static let malformed = Code("malformed")
        /// A declared length, count or nesting depth is past the configured limit.
        public static let limitExceeded = Code("limit_exceeded")
        /// A feature the format allows that Vigil does not read (XML DOCTYPE/entities among them).
        public static let unsupported = Code("unsupported")
    }

    public let code: Code
    public let message: String
    public let cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
