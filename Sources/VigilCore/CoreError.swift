/// The one error type of `VigilCore`: a stable code, a message for a person that names the
/// input it concerns (never its content), and an optional cause.
public struct CoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public static let notFound = Code("not_found")
        public static let unreadable = Code("unreadable")
        public static let tooLarge = Code("too_large")
        public static let tooDeep = Code("too_deep")
        public static let invalidInput = Code("invalid_input")
        /// A file Vigil reads (a video bank) is not in the expected format.
        public static let malformed = Code("malformed")
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
