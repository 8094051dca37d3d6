import Foundation

/// The loosely typed fields of one decoded JSON object: keys match whatever their case, numbers
/// and strings both read as text, and flags may be booleans or "true"/"false" strings.
struct JSONFields {
    private let values: [String: Any]

    /// Decodes `bytes` as one JSON object; nil if it is not valid JSON or not an object.
    init?(json bytes: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else { return nil }
        self.init(object)
    }

    /// Wraps a decoded value; nil if it is not an object.
    init?(_ object: Any) {
        guard let dictionary = object as? [String: Any] else { return nil }
        values = Dictionary(dictionary.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// A string (nil when empty) or a number as decimal text.
    func text(_ key: String) -> String? {
        Self.text(values[key.lowercased()])
    }

    /// True for `true` or the string "true" in any case.
    func flag(_ key: String) -> Bool {
        switch values[key.lowercased()] {
        case let bool as Bool: bool
        case let string as String: string.lowercased() == "true"
        default: false
        }
    }

    /// An array of strings or numbers, or one string split at commas; empty items dropped.
    func strings(_ key: String) -> [String] {
        switch values[key.lowercased()] {
        case let array as [Any]: array.compactMap(Self.text)
        case let string as String:
            string.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        default: []
        }
    }

    /// The keys of an object-valued field, or the strings of an array-valued one.
    func names(_ key: String) -> [String] {
        switch values[key.lowercased()] {
        case let object as [String: Any]: Array(object.keys)
        case let array as [Any]: array.compactMap(Self.text)
        default: []
        }
    }

    /// The array under `key`, if it is one.
    func array(_ key: String) -> [Any]? {
        values[key.lowercased()] as? [Any]
    }

    func has(_ key: String) -> Bool {
        switch values[key.lowercased()] {
        case nil, is NSNull: false
        case let string as String: !string.isEmpty
        default: true
        }
    }

    private static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: string.isEmpty ? nil : string
        case let integer as Int: String(integer)
        case let double as Double: String(double)
        default: nil
        }
    }
}
