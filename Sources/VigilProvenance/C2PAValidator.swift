import Crypto
import Foundation
import SwiftASN1
import X509

/// The outcome of validating a C2PA manifest store, in c2pa-rs's terms.
public struct C2PAReport: Sendable, Equatable {
    /// c2pa-rs's validation state; `absent` when the file carries no manifest store.
    public enum State: String, Sendable { case absent, valid = "Valid", trusted = "Trusted", invalid = "Invalid" }

    public struct Manifest: Sendable, Equatable {
        public var label: String
        public var claimVersion: Int
        public var claimGenerator: String?
        public var title: String?
        /// The ingredients' titles and relationships (`parentOf`, `componentOf`, `inputTo`).
        public var ingredients: [Ingredient]
    }

    public struct Ingredient: Sendable, Equatable {
        public var title: String?
        public var relationship: String?
        public var format: String?
        /// The label of the ingredient's own active manifest (in this store), when it had one.
        public var manifest: String?
        /// The failure codes of the ingredient's validation as its signer recorded them (c2pa-rs
        /// reports these; the ingredient's manifest is not re-validated here).
        public var failureCodes: [String]
    }

    public var state: State
    /// The active manifest's failure codes, sorted (c2pa-rs's `validation_results.activeManifest.failure`).
    public var failureCodes: [String]
    /// Its success codes, sorted.
    public var successCodes: [String]
    /// The `digitalSourceType` URIs of the active manifest's actions.
    public var digitalSourceTypes: [String]
    public var claimGenerator: String?
    /// The signing certificate's subject organization and common name.
    public var signer: String?
    /// The signer's certificate issuer.
    public var issuer: String?
    /// ISO 8601 signing time from a timestamp; nil when the signature carries none.
    public var signingTime: String?
    /// Every manifest of the store, the active one last.
    public var manifests: [Manifest]
    /// Why the store could not be read at all (c2pa-rs refuses such a file with an error; Vigil
    /// reports it as Invalid, since a broken store is itself evidence of tampering).
    public var storeError: String?

    public static let absent = C2PAReport(
        state: .absent, failureCodes: [], successCodes: [], digitalSourceTypes: [], manifests: [])

    init(
        state: State, failureCodes: [String], successCodes: [String], digitalSourceTypes: [String],
        claimGenerator: String? = nil, signer: String? = nil, issuer: String? = nil, signingTime: String? = nil,
        manifests: [Manifest]
    ) {
        self.state = state
        self.failureCodes = failureCodes
        self.successCodes = successCodes
        self.digitalSourceTypes = digitalSourceTypes
        self.claimGenerator = claimGenerator
        self.signer = signer
        self.issuer = issuer
        self.signingTime = signingTime
        self.manifests = manifests
    }
}

/// c2pa-rs's validation status codes that Vigil reports.
public enum C2PAStatus {
    public static let claimSignatureValidated = "claimSignature.validated"
    public static let claimSignatureMismatch = "claimSignature.mismatch"
    public static let claimSignatureMissing = "claimSignature.missing"
    public static let claimMissing = "claim.missing"
    public static let claimMalformed = "claim.malformed"
    public static let signingCredentialTrusted = "signingCredential.trusted"
    public static let signingCredentialUntrusted = "signingCredential.untrusted"
    public static let signingCredentialInvalid = "signingCredential.invalid"
    public static let signingCredentialExpired = "signingCredential.expired"
    public static let assertionHashedURIMatch = "assertion.hashedURI.match"
    public static let assertionHashedURIMismatch = "assertion.hashedURI.mismatch"
    public static let assertionMissing = "assertion.missing"
    public static let assertionDataHashMatch = "assertion.dataHash.match"
    public static let assertionDataHashMismatch = "assertion.dataHash.mismatch"
    public static let assertionDataHashMalformed = "assertion.dataHash.malformed"
    public static let assertionBMFFHashMatch = "assertion.bmffHash.match"
    public static let assertionBMFFHashMismatch = "assertion.bmffHash.mismatch"
    public static let assertionBMFFHashMalformed = "assertion.bmffHash.malformed"
    public static let algorithmUnsupported = "algorithm.unsupported"
    public static let hardBindingsMissing = "claim.hardBindings.missing"
    public static let manifestMissing = "manifest.missing"
    public static let generalError = "general.error"
}

/// Validates C2PA manifest stores: JUMBF structure, claims v1 and v2, the COSE_Sign1 claim
/// signature, the hashed URIs of assertions, the `c2pa.hash.data` hard binding, and the signer's
/// chain to configured trust anchors.
public struct C2PAValidator: Sendable {
    public var anchors: TrustAnchors?
    /// The time certificates are checked at when the signature carries no timestamp.
    public var now: Date

    public init(anchors: TrustAnchors? = nil, now: Date = Date()) {
        self.anchors = anchors
        self.now = now
    }

    static let uuidSuffix: [UInt8] = [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

    /// Validates `store`, the manifest store embedded in `asset` (the whole file's bytes).
    public func validate(store: [UInt8], asset: [UInt8], name: String = "asset") -> C2PAReport {
        asset.withUnsafeBytes { validate(store: store, asset: $0, name: name) }
    }

    /// Validates `store` against `asset` in place (a memory-mapped file, say); `name` names it in errors.
    public func validate(store: [UInt8], asset: UnsafeRawBufferPointer, name: String = "asset") -> C2PAReport {
        var failures = Set<String>()
        var successes = Set<String>()
        let root: JUMBFBox
        do {
            root = try JUMBFReader.parseStore(store)
        } catch {
            var report = C2PAReport(
                state: .invalid, failureCodes: [C2PAStatus.claimMalformed], successCodes: [], digitalSourceTypes: [],
                manifests: [])
            report.storeError = error.message
            return report
        }
        let manifestBoxes = root.children.filter { $0.isSuperbox && $0.uuidCode == "c2ma" }
        guard root.uuidCode == "c2pa", let active = manifestBoxes.last else {
            return C2PAReport(
                state: .invalid, failureCodes: [C2PAStatus.claimMissing], successCodes: [], digitalSourceTypes: [],
                manifests: [])
        }
        let manifests = manifestBoxes.map { summary(of: $0, store: store) }
        var report = C2PAReport(
            state: .invalid, failureCodes: [], successCodes: [], digitalSourceTypes: [], manifests: manifests)
        report.claimGenerator = manifests.last?.claimGenerator

        // The claim and its signature.
        guard let claimBox = active.children.first(where: { $0.isSuperbox && $0.uuidCode == "c2cl" }),
            let claimBytes = Self.content(of: claimBox, store: store, type: "cbor"),
            let claim = try? CBORDecoder.decode(claimBytes, context: "C2PA claim")
        else {
            report.failureCodes = [C2PAStatus.claimMissing]
            return report
        }
        let signatureBytes = active.children.first(where: { $0.isSuperbox && $0.uuidCode == "c2cs" }).flatMap {
            Self.content(of: $0, store: store, type: "cbor")
        }
        var leaf: Certificate?
        var chain: [Certificate] = []
        if let signatureBytes, let cose = try? COSESign1(signatureBytes) {
            chain = cose.x5chain.compactMap { try? Certificate(derEncoded: $0) }
            leaf = chain.first
            if let leaf, chain.count == cose.x5chain.count {
                switch cose.verify(payload: claimBytes, key: leaf.publicKey) {
                case .valid: successes.insert(C2PAStatus.claimSignatureValidated)
                case .mismatch: failures.insert(C2PAStatus.claimSignatureMismatch)
                case .unsupportedAlgorithm: failures.insert(C2PAStatus.algorithmUnsupported)
                }
                report.signer = Self.name(leaf.subject)
                report.issuer = Self.name(leaf.issuer)
                if !CredentialCheck.isValidSigner(leaf) {
                    failures.insert(C2PAStatus.signingCredentialInvalid)
                } else if !CredentialCheck.isCurrent(leaf, at: now) {
                    failures.insert(C2PAStatus.signingCredentialExpired)
                } else if let anchors, CredentialCheck.chainsToAnchor(chain, anchors: anchors.certificates, at: now) {
                    successes.insert(C2PAStatus.signingCredentialTrusted)
                } else {
                    failures.insert(C2PAStatus.signingCredentialUntrusted)
                }
            } else {
                failures.insert(C2PAStatus.signingCredentialInvalid)
            }
        } else {
            failures.insert(C2PAStatus.claimSignatureMissing)
        }

        // Assertions by hashed URI, and the hard binding.
        let references =
            (claim["assertions"]?.arrayValue ?? [])
            + (claim["created_assertions"]?.arrayValue ?? []) + (claim["gathered_assertions"]?.arrayValue ?? [])
        let claimAlgorithm = claim["alg"]?.string ?? "sha256"
        var hasHardBinding = false
        for reference in references {
            guard let url = reference["url"]?.string, let expected = reference["hash"]?.byteString else { continue }
            guard let box = resolve(url, root: root, current: active) else {
                failures.insert(C2PAStatus.assertionMissing)
                continue
            }
            let algorithm = reference["alg"]?.string ?? claimAlgorithm
            guard
                let digest = store.withUnsafeBytes({ Self.digest(algorithm, [UnsafeRawBufferPointer(rebasing: $0[box.payload])]) }
                )
            else {
                failures.insert(C2PAStatus.algorithmUnsupported)
                continue
            }
            if digest == expected {
                successes.insert(C2PAStatus.assertionHashedURIMatch)
            } else {
                failures.insert(C2PAStatus.assertionHashedURIMismatch)
            }
            let label = box.label ?? ""
            if Self.baseLabel(label) == "c2pa.hash.data" {
                hasHardBinding = true
                switch checkDataHash(box, store: store, asset: asset, claimAlgorithm: claimAlgorithm) {
                case true?: successes.insert(C2PAStatus.assertionDataHashMatch)
                case false?: failures.insert(C2PAStatus.assertionDataHashMismatch)
                case nil: failures.insert(C2PAStatus.assertionDataHashMalformed)
                }
            } else if Self.baseLabel(label) == "c2pa.hash.bmff" {
                hasHardBinding = true
                let outcome = Self.decodedContent(box, store: store).map {
                    Self.checkBMFFHash(
                        $0, version: Self.labelVersion(label), asset: asset, claimAlgorithm: claimAlgorithm, name: name)
                }
                switch outcome ?? .malformed {
                case .match: successes.insert(C2PAStatus.assertionBMFFHashMatch)
                case .mismatch: failures.insert(C2PAStatus.assertionBMFFHashMismatch)
                case .malformed: failures.insert(C2PAStatus.assertionBMFFHashMalformed)
                }
            } else if Self.baseLabel(label).hasPrefix("c2pa.hash.") {
                hasHardBinding = true  // Box and collection hashes: not verified.
            } else if Self.baseLabel(label) == "c2pa.actions" {
                report.digitalSourceTypes += Self.sourceTypes(box, store: store)
            }
        }
        if !hasHardBinding { failures.insert(C2PAStatus.hardBindingsMissing) }

        report.failureCodes = failures.sorted()
        report.successCodes = successes.sorted()
        let blocking = failures.subtracting([C2PAStatus.signingCredentialUntrusted])
        if !blocking.isEmpty || !successes.contains(C2PAStatus.claimSignatureValidated) {
            report.state = .invalid
        } else if successes.contains(C2PAStatus.signingCredentialTrusted) {
            report.state = .trusted
        } else {
            report.state = .valid
        }
        return report
    }

    /// A label without its `__N` instance suffix or `.vN` version suffix.
    static func baseLabel(_ label: String) -> String { splitLabel(label).base }

    /// The `N` of a label's `.vN` suffix (ignoring any `__N` instance), 1 without one.
    static func labelVersion(_ label: String) -> Int { splitLabel(label).version }

    static func splitLabel(_ label: String) -> (base: String, version: Int) {
        var base = label
        if let r = base.range(of: "__", options: .backwards) { base = String(base[..<r.lowerBound]) }
        guard let r = base.range(of: #"\.v[0-9]+$"#, options: .regularExpression) else { return (base, 1) }
        let version = Int(base[base.index(r.lowerBound, offsetBy: 2)...]) ?? 1
        return (String(base[..<r.lowerBound]), version)
    }

    /// The payload of the first content box of `type` in a superbox.
    static func content(of box: JUMBFBox, store: [UInt8], type: String) -> [UInt8]? {
        box.children.first { $0.type == type }.map { Array(store[$0.payload]) }
    }

    static func decodedContent(_ box: JUMBFBox, store: [UInt8]) -> CBOR? {
        content(of: box, store: store, type: "cbor").flatMap { try? CBORDecoder.decode($0, context: "C2PA assertion") }
    }

    /// Resolves a `self#jumbf=` URI, absolute (`/c2pa/<manifest>/...`) or relative to `current`.
    func resolve(_ url: String, root: JUMBFBox, current: JUMBFBox) -> JUMBFBox? {
        guard let r = url.range(of: "#jumbf=") else { return nil }
        var path = String(url[r.upperBound...])
        var box = current
        if path.hasPrefix("/") {
            path.removeFirst()
            box = root
            var parts = path.split(separator: "/").map(String.init)
            guard parts.first == "c2pa" else { return nil }
            parts.removeFirst()
            for part in parts {
                guard let next = box.child(part) else { return nil }
                box = next
            }
            return box
        }
        for part in path.split(separator: "/").map(String.init) {
            guard let next = box.child(part) else { return nil }
            box = next
        }
        return box
    }

    /// The `c2pa.hash.data` check: nil when the assertion is malformed.
    func checkDataHash(_ box: JUMBFBox, store: [UInt8], asset: UnsafeRawBufferPointer, claimAlgorithm: String) -> Bool? {
        guard let assertion = Self.decodedContent(box, store: store), let expected = assertion["hash"]?.byteString else {
            return nil
        }
        var ranges: [Range<Int>] = []
        for exclusion in assertion["exclusions"]?.arrayValue ?? [] {
            guard let start = exclusion["start"]?.int, let length = exclusion["length"]?.int, start >= 0, length >= 0,
                start <= asset.count, length <= asset.count - start
            else { return false }
            ranges.append(start..<(start + length))
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var pieces: [UnsafeRawBufferPointer] = []
        var at = 0
        for range in ranges {
            if range.lowerBound > at { pieces.append(UnsafeRawBufferPointer(rebasing: asset[at..<range.lowerBound])) }
            at = max(at, range.upperBound)
        }
        if at < asset.count { pieces.append(UnsafeRawBufferPointer(rebasing: asset[at...])) }
        guard let digest = Self.digest(assertion["alg"]?.string ?? claimAlgorithm, pieces) else { return nil }
        return digest == expected
    }

    static func digest(_ algorithm: String, _ pieces: [UnsafeRawBufferPointer]) -> [UInt8]? {
        func run<H: HashFunction>(_: H.Type) -> [UInt8] {
            var hasher = H()
            for piece in pieces { hasher.update(bufferPointer: piece) }
            return Array(hasher.finalize())
        }
        switch algorithm {
        case "sha256": return run(SHA256.self)
        case "sha384": return run(SHA384.self)
        case "sha512": return run(SHA512.self)
        default: return nil
        }
    }

    static func sourceTypes(_ box: JUMBFBox, store: [UInt8]) -> [String] {
        guard let assertion = decodedContent(box, store: store) else { return [] }
        return (assertion["actions"]?.arrayValue ?? []).compactMap { $0["digitalSourceType"]?.string }
    }

    /// A manifest's label, claim generator, title and ingredients.
    func summary(of manifest: JUMBFBox, store: [UInt8]) -> C2PAReport.Manifest {
        let claimBox = manifest.children.first { $0.isSuperbox && $0.uuidCode == "c2cl" }
        let claim = claimBox.flatMap { Self.decodedContent($0, store: store) }
        var generator = claim?["claim_generator"]?.string
        if generator == nil, let info = claim?["claim_generator_info"] {
            let first = info.arrayValue?.first ?? info
            if let name = first["name"]?.string {
                generator = [name, first["version"]?.string].compactMap { $0 }.joined(separator: "/")
            }
        }
        var ingredients: [C2PAReport.Ingredient] = []
        if let assertions = manifest.children.first(where: { $0.isSuperbox && $0.uuidCode == "c2as" }) {
            for box in assertions.children where box.isSuperbox && Self.baseLabel(box.label ?? "") == "c2pa.ingredient" {
                ingredients.append(Self.ingredient(Self.decodedContent(box, store: store)))
            }
        }
        return C2PAReport.Manifest(
            label: manifest.label ?? "", claimVersion: claimBox?.label == "c2pa.claim.v2" ? 2 : 1,
            claimGenerator: generator, title: claim?["dc:title"]?.string ?? claim?["title"]?.string,
            ingredients: ingredients)
    }

    /// An ingredient assertion (v1–v3) as c2pa-rs reports it: its manifest's label comes from the
    /// `activeManifest` (v3) or `c2pa_manifest` hashed URI, its failure codes from the validation the
    /// signer recorded (`validationResults` in v3, `validationStatus` before).
    static func ingredient(_ value: CBOR?) -> C2PAReport.Ingredient {
        let reference = value?["activeManifest"] ?? value?["c2pa_manifest"]
        let manifest = reference?["url"]?.string.flatMap { url -> String? in
            guard let r = url.range(of: "#jumbf=") else { return nil }
            let parts = url[r.upperBound...].split(separator: "/")
            return parts.first == "c2pa" && parts.count > 1 ? String(parts[1]) : nil
        }
        var failures = Set<String>()
        for entry in value?["validationResults"]?["activeManifest"]?["failure"]?.arrayValue ?? [] {
            if let code = entry["code"]?.string { failures.insert(code) }
        }
        for entry in value?["validationStatus"]?.arrayValue ?? [] {
            if let code = entry["code"]?.string { failures.insert(code) }
        }
        return C2PAReport.Ingredient(
            title: value?["dc:title"]?.string ?? value?["title"]?.string, relationship: value?["relationship"]?.string,
            format: value?["dc:format"]?.string ?? value?["format"]?.string, manifest: manifest,
            failureCodes: failures.sorted())
    }

    static func name(_ dn: DistinguishedName) -> String? {
        var organization: String?
        var common: String?
        for rdn in dn {
            for attribute in rdn {
                if attribute.type == .RDNAttributeType.organizationName { organization = "\(attribute.value)" }
                if attribute.type == .RDNAttributeType.commonName { common = "\(attribute.value)" }
            }
        }
        let parts = [organization, common].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}

/// The outcome of the `c2pa.hash.bmff` check, in c2pa-rs's three codes.
enum BMFFOutcome: Equatable { case match, mismatch, malformed }

extension C2PAValidator {
    /// The `c2pa.hash.bmff` (v2, v3) hard binding of `asset`; see `BMFFHash.plan`.
    static func checkBMFFHash(
        _ assertion: CBOR, version: Int, asset: UnsafeRawBufferPointer, claimAlgorithm: String, name: String
    ) -> BMFFOutcome {
        guard let exclusions = assertion["exclusions"]?.arrayValue, !exclusions.isEmpty else { return .malformed }
        // Subsets must be in offset order and must not overlap.
        for exclusion in exclusions {
            let subsets = exclusion["subset"]?.arrayValue ?? []
            var previousEnd: UInt64?
            for subset in subsets {
                guard case .unsigned(let offset) = subset["offset"] ?? .null,
                    case .unsigned(let length) = subset["length"] ?? .null
                else { return .malformed }
                if let previousEnd, offset < previousEnd { return .malformed }
                let (end, overflow) = offset.addingReportingOverflow(length)
                if overflow { return .malformed }
                previousEnd = end
            }
        }
        guard let expected = assertion["hash"]?.byteString else {
            // Without a file-level hash only Merkle maps remain; c2pa-rs accepts an assertion with neither.
            return assertion["merkle"] == nil ? .match : .mismatch
        }
        guard let tree = try? BMFFTree.parse(asset, name: name),
            let plan = BMFFHash.plan(exclusions, tree: tree, asset: asset, withOffsets: version > 1)
        else { return .mismatch }
        // Each offset marker is the box's file offset as a u64, big-endian.
        var markers: [UInt8] = []
        for case .offset(let offset) in plan { withUnsafeBytes(of: offset.bigEndian) { markers += $0 } }
        let digest = markers.withUnsafeBytes { m -> [UInt8]? in
            var next = 0
            let pieces = plan.map { piece -> UnsafeRawBufferPointer in
                switch piece {
                case .bytes(let range): return UnsafeRawBufferPointer(rebasing: asset[range])
                case .offset:
                    next += 8
                    return UnsafeRawBufferPointer(rebasing: m[(next - 8)..<next])
                }
            }
            return Self.digest(assertion["alg"]?.string ?? claimAlgorithm, pieces)
        }
        guard let digest else { return .mismatch }
        return digest == expected ? .match : .mismatch
    }

}
