import Crypto
import Foundation

/// Console passwords, hashed with scrypt (RFC 7914), a memory-hard KDF: swift-crypto exposes no
/// scrypt or PBKDF2, so both are written here over its HMAC-SHA256. A stored hash is
/// `scrypt$<log2 N>$<r>$<p>$<salt base64>$<key base64>`, so the cost can rise without a migration.
public struct PasswordHasher: Sendable {
    /// log2 of scrypt's N (CPU/memory cost).
    public var logN: Int
    public var r: Int
    public var p: Int

    /// OWASP's scrypt setting: N = 2^16 (64 MiB with r = 8), r = 8, p = 2.
    public static let standard = PasswordHasher(logN: 16, r: 8, p: 2)

    public init(logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// A new salted hash of `password`.
    public func hash(_ password: String) throws(StoreError) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let key = try Self.scrypt(password: Array(password.utf8), salt: salt, logN: logN, r: r, p: p, length: 32)
        return "scrypt$\(logN)$\(r)$\(p)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    /// Whether `password` matches a stored hash (compared in constant time); a malformed hash never matches.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let logN = Int(parts[1]), let r = Int(parts[2]),
            let p = Int(parts[3]), let salt = Data(base64Encoded: String(parts[4])),
            let expected = Data(base64Encoded: String(parts[5])), !expected.isEmpty, expected.count <= 64,
            let key = try? scrypt(
                password: Array(password.utf8), salt: Array(salt), logN: logN, r: r, p: p, length: expected.count)
        else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(key, expected) { difference |= a ^ b }
        return difference == 0
    }

    /// scrypt (RFC 7914 §6). Parameters are bounded before anything is allocated: N ≤ 2^20,
    /// r ≤ 32, p ≤ 16 (at most 1 GiB for the table).
    public static func scrypt(password: [UInt8], salt: [UInt8], logN: Int, r: Int, p: Int, length: Int) throws(StoreError)
        -> [UInt8]
    {
        guard (1...20).contains(logN), (1...32).contains(r), (1...16).contains(p), (1...1024).contains(length) else {
            throw StoreError(.invalid, "scrypt parameters out of range")
        }
        let blockWords = 32 * r
        var b = pbkdf2SHA256(password: password, salt: salt, iterations: 1, length: p * 128 * r)
        var x = [UInt32](repeating: 0, count: blockWords)
        var v = [UInt32](repeating: 0, count: blockWords << logN)
        var scratch = [UInt32](repeating: 0, count: blockWords)
        let n = 1 << logN
        for chunk in 0..<p {
            let base = chunk * 128 * r
            for i in 0..<blockWords {
                let o = base + 4 * i
                x[i] = UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
            }
            for i in 0..<n {
                v.replaceSubrange(i * blockWords..<(i + 1) * blockWords, with: x)
                blockMix(&x, &scratch, r: r)
            }
            for _ in 0..<n {
                let j = Int(x[blockWords - 16] & UInt32(n - 1))
                for k in 0..<blockWords { x[k] ^= v[j * blockWords + k] }
                blockMix(&x, &scratch, r: r)
            }
            for i in 0..<blockWords {
                let o = base + 4 * i
                b[o] = UInt8(truncatingIfNeeded: x[i])
                b[o + 1] = UInt8(truncatingIfNeeded: x[i] >> 8)
                b[o + 2] = UInt8(truncatingIfNeeded: x[i] >> 16)
                b[o + 3] = UInt8(truncatingIfNeeded: x[i] >> 24)
            }
        }
        return pbkdf2SHA256(password: password, salt: b, iterations: 1, length: length)
    }

    /// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2).
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var out: [UInt8] = []
        out.reserveCapacity(length + 32)
        var index: UInt32 = 1
        while out.count < length {
            let counter: [UInt8] = [
                UInt8(index >> 24), UInt8((index >> 16) & 0xff), UInt8((index >> 8) & 0xff), UInt8(index & 0xff),
            ]
            var u = Array(HMAC<SHA256>.authenticationCode(for: salt + counter, using: key))
            var t = u
            for _ in 1..<max(iterations, 1) {
                u = Array(HMAC<SHA256>.authenticationCode(for: u, using: key))
                for k in 0..<t.count { t[k] ^= u[k] }
            }
            out += t
            index += 1
        }
        return Array(out.prefix(length))
    }

    /// BlockMix with Salsa20/8 (RFC 7914 §4), in place; `y` is scratch of the same size.
    private static func blockMix(_ b: inout [UInt32], _ y: inout [UInt32], r: Int) {
        var x = Array(b[(2 * r - 1) * 16..<(2 * r) * 16])
        for i in 0..<(2 * r) {
            for k in 0..<16 { x[k] ^= b[i * 16 + k] }
            salsa20_8(&x)
            // Even blocks go to the first half, odd ones to the second.
            let target = (i % 2 == 0 ? i / 2 : r + i / 2) * 16
            for k in 0..<16 { y[target + k] = x[k] }
        }
        swap(&b, &y)
    }

    private static func salsa20_8(_ b: inout [UInt32]) {
        var x = b
        @inline(__always) func rotl(_ a: UInt32, _ n: UInt32) -> UInt32 { (a << n) | (a >> (32 - n)) }
        for _ in 0..<4 {
            x[4] ^= rotl(x[0] &+ x[12], 7); x[8] ^= rotl(x[4] &+ x[0], 9)
            x[12] ^= rotl(x[8] &+ x[4], 13); x[0] ^= rotl(x[12] &+ x[8], 18)
            x[9] ^= rotl(x[5] &+ x[1], 7); x[13] ^= rotl(x[9] &+ x[5], 9)
            x[1] ^= rotl(x[13] &+ x[9], 13); x[5] ^= rotl(x[1] &+ x[13], 18)
            x[14] ^= rotl(x[10] &+ x[6], 7); x[2] ^= rotl(x[14] &+ x[10], 9)
            x[6] ^= rotl(x[2] &+ x[14], 13); x[10] ^= rotl(x[6] &+ x[2], 18)
            x[3] ^= rotl(x[15] &+ x[11], 7); x[7] ^= rotl(x[3] &+ x[15], 9)
            x[11] ^= rotl(x[7] &+ x[3], 13); x[15] ^= rotl(x[11] &+ x[7], 18)
            x[1] ^= rotl(x[0] &+ x[3], 7); x[2] ^= rotl(x[1] &+ x[0], 9)
            x[3] ^= rotl(x[2] &+ x[1], 13); x[0] ^= rotl(x[3] &+ x[2], 18)
            x[6] ^= rotl(x[5] &+ x[4], 7); x[7] ^= rotl(x[6] &+ x[5], 9)
            x[4] ^= rotl(x[7] &+ x[6], 13); x[5] ^= rotl(x[4] &+ x[7], 18)
            x[11] ^= rotl(x[10] &+ x[9], 7); x[8] ^= rotl(x[11] &+ x[10], 9)
            x[9] ^= rotl(x[8] &+ x[11], 13); x[10] ^= rotl(x[9] &+ x[8], 18)
            x[12] ^= rotl(x[15] &+ x[14], 7); x[13] ^= rotl(x[12] &+ x[15], 9)
            x[14] ^= rotl(x[13] &+ x[12], 13); x[15] ^= rotl(x[14] &+ x[13], 18)
        }
        for k in 0..<16 { b[k] = b[k] &+ x[k] }
    }
}
