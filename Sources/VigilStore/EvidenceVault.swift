import Crypto
import Foundation

/// Encrypted files at rest: preserved evidence and spooled media of queued scans. Each file is
/// `VGLE1` + AES-256-GCM combined box (nonce, ciphertext, tag), with the file's name as
/// associated data so that blobs cannot be swapped between records unnoticed. Files are written
/// to a temporary name, synced, then renamed.
public struct EvidenceVault: Sendable {
    public let directory: String
    private let key: SymmetricKey
    static let magic = Array("VGLE1".utf8)

    public init(directory: String, key: SymmetricKey) throws(StoreError) {
        guard key.bitCount == 256 else { throw StoreError(.invalid, "the evidence key must be 32 bytes (256 bits)") }
        self.directory = directory
        self.key = key
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.database, "cannot create the evidence directory", cause: error)
        }
    }

    /// Reads a key file (32 raw bytes, or 64 hex / 44 base64 characters), creating one with a
    /// random key (mode 0600) when `create` is set and the file does not exist.
    public static func loadKey(path: String, create: Bool) throws(StoreError) -> SymmetricKey {
        if !FileManager.default.fileExists(atPath: path) {
            guard create else { throw StoreError(.notFound, "the evidence key file \(path) does not exist") }
            let key = SymmetricKey(size: .bits256)
            let hex = key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
            guard
                FileManager.default.createFile(
                    atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else { throw StoreError(.database, "cannot create the evidence key file \(path)") }
            return key
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.invalid, "cannot read the evidence key file \(path)")
        }
        if data.count == 32 { return SymmetricKey(data: data) }
        guard let key = parseKey(String(decoding: data, as: UTF8.self)) else {
            throw StoreError(.invalid, "the evidence key file \(path) must hold 32 bytes, as raw bytes, hex or base64")
        }
        return key
    }

    /// A key from 64 hex digits or base64 of 32 bytes.
    public static func parseKey(_ text: String) -> SymmetricKey? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, trimmed.allSatisfy(\.isHexDigit) {
            var bytes: [UInt8] = []
            var index = trimmed.startIndex
            while index < trimmed.endIndex {
                let next = trimmed.index(index, offsetBy: 2)
                bytes.append(UInt8(trimmed[index..<next], radix: 16)!)
                index = next
            }
            return SymmetricKey(data: bytes)
        }
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return SymmetricKey(data: data) }
        return nil
    }

    /// Encrypts `plaintext` into `name` (relative to the vault) and returns the relative path.
    @discardableResult
    public func store(_ plaintext: [UInt8], name: String) throws(StoreError) -> String {
        let sealed: AES.GCM.SealedBox
        do {
            sealed = try AES.GCM.seal(plaintext, using: key, authenticating: Array(name.utf8))
        } catch {
            throw StoreError(.database, "encryption failed", cause: error)
        }
        guard let combined = sealed.combined else { throw StoreError(.database, "encryption failed") }
        let path = directory + "/" + name
        let temporary = path + ".partial"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw StoreError(.database, "cannot write \(name) in the evidence directory") }
        var bytes = Self.magic + Array(combined)
        let ok = bytes.withUnsafeMutableBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        bytes.removeAll()
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw StoreError(.database, "cannot write \(name) in the evidence directory")
        }
        return name
    }

    /// Decrypts a stored file; a wrong key or any change to the file is a clear error.
    public func load(_ name: String) throws(StoreError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
            throw StoreError(.notFound, "evidence file \(name) is missing")
        }
        guard data.count > Self.magic.count + 28, Array(data.prefix(Self.magic.count)) == Self.magic else {
            throw StoreError(.invalid, "evidence file \(name) is not a Vigil encrypted file")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: data.dropFirst(Self.magic.count))
            return Array(try AES.GCM.open(box, using: key, authenticating: Array(name.utf8)))
        } catch {
            throw StoreError(
                .invalid, "evidence file \(name) cannot be decrypted: wrong evidence key, or the file was altered", cause: error)
        }
    }

    public func remove(_ name: String) {
        unlink(directory + "/" + name)
    }

    /// Names of files in the vault (without partial writes).
    public func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasSuffix(".partial") }
    }
}
