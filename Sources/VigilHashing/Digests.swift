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
        var stream = Stream()
        stream.update(data)
        self = stream.finalize()
    }

    public init(of data: [UInt8]) {
        self = data.withUnsafeBytes { FileDigests(of: $0) }
    }

    /// The three digests fed piece by piece (for one pass over bytes while they are read).
    public struct Stream {
        private var md5 = Insecure.MD5()
        private var sha1 = Insecure.SHA1()
        private var sha256 = SHA256()

        public init() {}

        public mutating func update(_ data: UnsafeRawBufferPointer) {
            md5.update(bufferPointer: data)
            sha1.update(bufferPointer: data)
            sha256.update(bufferPointer: data)
        }

        public func finalize() -> FileDigests {
            FileDigests(
                md5: FileDigests.hex(md5.finalize()), sha1: FileDigests.hex(sha1.finalize()),
                sha256: FileDigests.hex(sha256.finalize()))
        }
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
