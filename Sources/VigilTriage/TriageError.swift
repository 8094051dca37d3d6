/// The one error type of `VigilTriage`: a stable code, a message for a person that names the
/// file or case it concerns (never its content or a hash from a list), and an optional cause.
public struct TriageError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        /// An archive is over a zip-bomb limit (entries, total size, ratio, nesting) or unreadable.
        public static let archive = Code("archive")
        /// The case database could not be opened, read or written.
        public static let database = Code("database")
        /// A file could not be read or written.
        public static let io = Code("io")
        /// A bad argument (case name, format).
        public static let invalid = Code("invalid")
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
