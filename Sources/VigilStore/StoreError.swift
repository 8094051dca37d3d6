/// The one error type of `VigilStore`. Messages never contain hashes or labels from a list.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public static let notFound = Code("not_found")
        public static let conflict = Code("conflict")
        public static let invalid = Code("invalid")
        public static let database = Code("database")
        public static let forbidden = Code("forbidden")
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

    /// No console user has this name (quoted, at most 64 characters of it).
    static func noUser(named name: String) -> StoreError {
        let shown = name.count > 64 ? String(name.prefix(64)) + "…" : name
        return StoreError(.notFound, "no user named \u{201C}\(shown)\u{201D}")
    }
}
