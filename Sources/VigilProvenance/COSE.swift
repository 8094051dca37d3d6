import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A COSE_Sign1 structure (RFC 9052) as C2PA uses it: detached payload, x5chain certificates.
struct COSESign1 {
    var protectedBytes: [UInt8]
    var algorithm: Int?
    /// DER certificates, leaf first.
    var x5chain: [[UInt8]]
    var signature: [UInt8]
    /// RFC 3161 timestamp tokens from `sigTst`/`sigTst2`, if any (not verified yet).
    var hasTimestamp: Bool

    init(_ bytes: [UInt8]) throws(ProvenanceError) {
        let item = try CBORDecoder.decode(bytes, context: "COSE_Sign1").untagged
        guard case .array(let parts) = item, parts.count == 4, let protected = parts[0].byteString,
            case .map = parts[1], let signature = parts[3].byteString
        else { throw ProvenanceError(.malformed, "COSE_Sign1: not a four-element signature structure") }
        let header = protected.isEmpty ? CBOR.map([]) : try CBORDecoder.decode(protected, context: "COSE protected header")
        protectedBytes = protected
        algorithm = header[int: 1]?.int
        let unprotected = parts[1]
        let chain = header[int: 33] ?? unprotected[int: 33] ?? unprotected["x5chain"]
        switch chain {
        case .bytes(let der): x5chain = [der]
        case .array(let list): x5chain = list.compactMap(\.byteString)
        default: x5chain = []
        }
        self.signature = signature
        hasTimestamp = unprotected["sigTst"] != nil || unprotected["sigTst2"] != nil
    }

    /// The bytes signed: `["Signature1", protected, h'', payload]`.
    func toBeSigned(payload: [UInt8]) -> [UInt8] {
        [0x84] + CBOREncoder.text("Signature1") + CBOREncoder.bytes(protectedBytes) + CBOREncoder.bytes([])
            + CBOREncoder.bytes(payload)
    }

    enum Outcome { case valid, mismatch, unsupportedAlgorithm }

    /// Verifies the signature over `payload` with `key` (the leaf's public key).
    func verify(payload: [UInt8], key: Certificate.PublicKey) -> Outcome {
        let message = toBeSigned(payload: payload)
        switch algorithm {
        case -7:
            guard let k = P256.Signing.PublicKey(key), let s = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return .mismatch }
            return k.isValidSignature(s, for: message) ? .valid : .mismatch
        case -35:
            guard let k = P384.Signing.PublicKey(key), let s = try? P384.Signing.ECDSASignature(rawRepresentation: signature)
            else { return .mismatch }
            return k.isValidSignature(s, for: message) ? .valid : .mismatch
        case -36:
            guard let k = P521.Signing.PublicKey(key), let s = try? P521.Signing.ECDSASignature(rawRepresentation: signature)
            else { return .mismatch }
            return k.isValidSignature(s, for: message) ? .valid : .mismatch
        case -37, -38, -39:
            guard let k = _RSA.Signing.PublicKey(key) else { return .mismatch }
            let s = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let ok: Bool
            switch algorithm {
            case -37: ok = k.isValidSignature(s, for: SHA256.hash(data: message), padding: .PSS)
            case -38: ok = k.isValidSignature(s, for: SHA384.hash(data: message), padding: .PSS)
            default: ok = k.isValidSignature(s, for: SHA512.hash(data: message), padding: .PSS)
            }
            return ok ? .valid : .mismatch
        case -8:
            guard let k = Curve25519.Signing.PublicKey(key) else { return .mismatch }
            return k.isValidSignature(signature, for: message) ? .valid : .mismatch
        default: return .unsupportedAlgorithm
        }
    }
}

/// The trust anchors a C2PA signer's chain must reach: a PEM bundle of CA certificates.
public struct TrustAnchors: Sendable {
    public let certificates: [Certificate]

    public init(certificates: [Certificate]) { self.certificates = certificates }

    /// Parses every `CERTIFICATE` block of a PEM bundle; `name` names the file in errors.
    public init(pem: String, name: String) throws(ProvenanceError) {
        var certs: [Certificate] = []
        let begin = "-----BEGIN CERTIFICATE-----"
        let end = "-----END CERTIFICATE-----"
        var rest = Substring(pem)
        while let b = rest.range(of: begin), let e = rest.range(of: end, range: b.upperBound..<rest.endIndex) {
            do {
                certs.append(try Certificate(pemEncoded: String(rest[b.lowerBound..<e.upperBound])))
            } catch {
                throw ProvenanceError(.malformed, "\(name): certificate \(certs.count + 1) is not valid PEM/DER")
            }
            rest = rest[e.upperBound...]
        }
        guard !certs.isEmpty else { throw ProvenanceError(.malformed, "\(name): no PEM certificate found") }
        certificates = certs
    }
}

/// Checks of a signing certificate: chain to an anchor, validity at signing time, key usage.
enum CredentialCheck {
    /// Extended key usages C2PA accepts for a claim signer (emailProtection, documentSigning,
    /// timeStamping, OCSPSigning, and the C2PA-specific purposes).
    static let allowedEKUs: Set<ExtendedKeyUsage.Usage> = [
        .emailProtection, .timeStamping, .ocspSigning,
        ExtendedKeyUsage.Usage(oid: [1, 3, 6, 1, 5, 5, 7, 3, 36]),
        ExtendedKeyUsage.Usage(oid: [1, 3, 6, 1, 4, 1, 62558, 2, 1]),
        ExtendedKeyUsage.Usage(oid: [1, 3, 6, 1, 4, 1, 311, 76, 59, 1, 9]),
    ]

    /// Whether the leaf may sign claims: a present EKU extension with an allowed purpose and no
    /// `anyExtendedKeyUsage`, and not a CA.
    static func isValidSigner(_ leaf: Certificate) -> Bool {
        guard let eku = try? leaf.extensions.extendedKeyUsage else { return false }
        if eku.contains(.any) { return false }
        if let constraints = try? leaf.extensions.basicConstraints, case .isCertificateAuthority = constraints {
            return false
        }
        return eku.contains { allowedEKUs.contains($0) }
    }

    static func isCurrent(_ cert: Certificate, at time: Date) -> Bool {
        cert.notValidBefore <= time && time <= cert.notValidAfter
    }

    /// Whether `chain` (leaf first) reaches one of `anchors` through signatures that verify.
    static func chainsToAnchor(_ chain: [Certificate], anchors: [Certificate], at time: Date) -> Bool {
        guard var current = chain.first else { return false }
        var pool = Array(chain.dropFirst())
        for _ in 0..<8 {
            if anchors.contains(where: { $0 == current }) { return true }
            if let anchor = anchors.first(where: {
                $0.subject == current.issuer && $0.publicKey.isValidSignature(current.signature, for: current)
            }) {
                return isCurrent(anchor, at: time)
            }
            guard
                let index = pool.firstIndex(where: {
                    $0.subject == current.issuer && $0.publicKey.isValidSignature(current.signature, for: current)
                        && isCurrent($0, at: time)
                })
            else { return false }
            current = pool.remove(at: index)
        }
        return false
    }
}
