/// The one error type of `VigilIndex`. Messages never contain hashes or labels from a list:
/// lists are confidential, and errors end up in logs.
public struct IndexError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public static let malformed = Code("malformed")
        public static let unsupported = Code("unsupported")
        public static let io = Code("io")
        public static let corruptSnapshot = Code("corrupt_snapshot")
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
