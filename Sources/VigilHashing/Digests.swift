import Crypto

/// The cryptographic digests exchanged in hash lists (MD5, SHA-1, SHA-256), as lowercase hex.
public struct FileDigests: Hashable, Sendable, Codable {
    public var md5: String
    public var sha1: String
    public var sha256: String

    public init(md5: String, sha1: String, sha256: String) {
        self.md5 = md5
        self.sha1 = sha1
        self.sha256 = sha256
    }

    /// Digests `data` with all three algorithms.
    public init(of data: UnsafeRawBufferPointer) {
        self.init(
            md5: Self.hex(Insecure.MD5.hash(data: data)),
            sha1: Self.hex(Insecure.SHA1.hash(data: data)),
            sha256: Self.hex(SHA256.hash(data: data)))
    }

    public init(of data: [UInt8]) {
        self = data.withUnsafeBytes { FileDigests(of: $0) }
    }

    static func hex(_ digest: some Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(Int(type(of: digest).byteCount) * 2)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
