import Crypto
import Foundation
import Synchronization

/// A CAPTCHA-free proof of work for the public report form. The server issues a signed challenge
/// `v1.<issued>.<nonce>.<bits>.<hmac>`; the client finds a counter such that
/// SHA-256(`<challenge>:<counter>`) starts with `bits` zero bits. Challenges expire, and each is
/// accepted once.
public struct ProofOfWork: Sendable {
    public enum Failure: String, Sendable, Equatable, Error {
        case malformed, forged, expired, reused
        case insufficient = "insufficient_work"
        case tooFast = "too_fast"
    }

    let key: SymmetricKey
    public let bits: Int
    /// Seconds a challenge stays valid.
    public let lifetime: Double
    /// The no-JavaScript path (no solution, an empty honeypot) needs the form to be at least this old.
    public let minimumFillSeconds: Double
    private let used: ChallengeLedger

    public init(secret: [UInt8], bits: Int = 16, lifetime: Double = 1800, minimumFillSeconds: Double = 3) {
        key = SymmetricKey(data: secret)
        self.bits = max(0, min(bits, 32))
        self.lifetime = lifetime
        self.minimumFillSeconds = minimumFillSeconds
        used = ChallengeLedger()
    }

    public func challenge(now: Double = Date().timeIntervalSince1970) -> String {
        var nonce = [UInt8](repeating: 0, count: 12)
        var generator = SystemRandomNumberGenerator()
        for i in nonce.indices { nonce[i] = UInt8.random(in: 0...255, using: &generator) }
        let body = "v1.\(Int(now)).\(Self.hex(nonce)).\(bits)"
        return body + "." + mac(body)
    }

    /// Checks a challenge and its solution, and spends the challenge. With `solution` nil (the
    /// no-JS path) the challenge must be genuine, unexpired and at least `minimumFillSeconds` old.
    public func verify(_ challenge: String, solution: String?, now: Double = Date().timeIntervalSince1970) -> Failure? {
        let parts = challenge.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard challenge.utf8.count <= 200, parts.count == 5, parts[0] == "v1", let issued = Double(parts[1]),
            let required = Int(parts[3])
        else { return .malformed }
        let body = parts[0...3].joined(separator: ".")
        guard constantTimeEqual(mac(body), parts[4]) else { return .forged }
        guard now - issued <= lifetime, issued <= now + 60 else { return .expired }
        if let solution {
            guard solution.utf8.count <= 20, solution.allSatisfy(\.isASCII),
                Self.leadingZeroBits(SHA256.hash(data: Array("\(challenge):\(solution)".utf8))) >= required
            else { return .insufficient }
        } else if now - issued < minimumFillSeconds {
            return .tooFast
        }
        return used.spend(challenge, until: issued + lifetime, now: now) ? nil : .reused
    }

    /// Finds a solution (tests and API clients do this; browsers run `/public/report.js`).
    public static func solve(_ challenge: String, bits: Int, limit: Int = 1 << 28) -> String? {
        for counter in 0..<limit {
            let text = String(counter)
            if leadingZeroBits(SHA256.hash(data: Array("\(challenge):\(text)".utf8))) >= bits { return text }
        }
        return nil
    }

    public static func leadingZeroBits(_ digest: SHA256.Digest) -> Int {
        var count = 0
        for byte in digest {
            if byte == 0 {
                count += 8
                continue
            }
            return count + byte.leadingZeroBitCount
        }
        return count
    }

    private func mac(_ body: String) -> String {
        Self.hex(Array(HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: key)))
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Spent challenges until they expire (bounded: expired ones are dropped, and past 100,000
/// live entries new ones are refused).
final class ChallengeLedger: Sendable {
    private let spent = Mutex<[String: Double]>([:])

    func spend(_ challenge: String, until expiry: Double, now: Double) -> Bool {
        spent.withLock { spent in
            if spent.count > 10_000 { spent = spent.filter { $0.value > now } }
            guard spent[challenge] == nil, spent.count < 100_000 else { return false }
            spent[challenge] = expiry
            return true
        }
    }
}
