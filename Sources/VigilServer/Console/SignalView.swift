import Foundation

/// The signals beside the media as readable columns: hash matches (bank, distance, label), C2PA
/// (state, failure codes, digitalSourceType, claim generator, signer), XMP/EXIF and generator
/// metadata, watermark results, and the synthetic-media summary. Every value is a plain string
/// that the template escapes; signals of unknown types are shown as escaped JSON.
struct SignalView {
    var matches: [[String: String]] = []
    /// Field/value rows.
    var c2pa: [[String: String]] = []
    var metadata: [[String: String]] = []
    var watermarks: [[String: String]] = []
    var synthetic: [[String: String]] = []
    var syntheticVerdict: String?
    var other: [String] = []

    init(json: String) {
        guard let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else {
            if !json.isEmpty, json != "[]" { other.append(json) }
            return
        }
        for signal in array {
            switch Self.text(signal["type"]) {
            case "hash_match", "negative_match":
                matches.append([
                    "type": Self.text(signal["type"]) == "negative_match" ? "negative (known benign)" : "match",
                    "bank": Self.text(signal["bank"]), "kind": Self.text(signal["kind"]),
                    "distance": Self.text(signal["distance"]), "label": Self.text(signal["category"]),
                    "suppressed": (signal["suppressed"] as? Bool) == true ? "suppressed" : "",
                ])
            case "synthetic":
                let body = signal["signal"] as? [String: Any] ?? [:]
                let confidence = (body["confidence"] as? Double).map { String(format: "%.2f", $0) } ?? ""
                syntheticVerdict = Self.text(body["verdict"]) + (confidence.isEmpty ? "" : " (confidence \(confidence))")
                for evidence in body["evidence"] as? [[String: Any]] ?? [] {
                    synthetic.append([
                        "kind": Self.text(evidence["kind"]), "strength": Self.text(evidence["strength"]),
                        "detail": Self.text(evidence["detail"]),
                    ])
                }
            case "provenance":
                addProvenance(signal)
            default:
                other.append(Self.raw(signal))
            }
        }
    }

    private mutating func addProvenance(_ signal: [String: Any]) {
        if let c = signal["c2pa"] as? [String: Any] {
            func row(_ field: String, _ key: String) {
                let value = Self.text(c[key])
                if !value.isEmpty { c2pa.append(["field": field, "value": value]) }
            }
            row("State", "state")
            row("Failure codes", "failure_codes")
            row("digitalSourceType", "digital_source_types")
            row("Claim generator", "claim_generator")
            row("Signer", "signer")
            row("Issuer", "issuer")
            row("Signing time", "signing_time")
            row("Store error", "store_error")
        }
        if let x = signal["xmp"] as? [String: Any] {
            func row(_ field: String, _ value: Any?) {
                let text = Self.text(value)
                if !text.isEmpty { metadata.append(["field": field, "value": text]) }
            }
            row("XMP digitalSourceType", x["digital_source_types"])
            row("XMP CreatorTool", x["creator_tool"])
            let exif = x["exif"] as? [String: Any] ?? [:]
            row("EXIF Software", exif["software"])
            row("EXIF camera", [exif["make"], exif["model"]].map { Self.text($0) }.filter { !$0.isEmpty }.joined(separator: " "))
        }
        for generator in signal["generator"] as? [[String: Any]] ?? [] {
            let parameters = (generator["parameters"] as? [String: Any] ?? [:]).keys.sorted().joined(separator: ", ")
            metadata.append([
                "field": "Generator (\(Self.text(generator["source"])))",
                "value": Self.text(generator["tool"]) + (parameters.isEmpty ? "" : " — parameters: \(parameters)"),
            ])
        }
        for mark in signal["watermarks"] as? [[String: Any]] ?? [] {
            let p = (mark["p_value"] as? Double).map { String(format: "%.2g", $0) } ?? ""
            watermarks.append([
                "name": Self.text(mark["name"]), "method": Self.text(mark["method"]),
                "agreement": "\(Self.text(mark["agreement"]))/\(Self.text(mark["length"]))", "p": p,
                "detected": (mark["detected"] as? Bool) == true ? "yes" : "no",
            ])
        }
    }

    /// A JSON value as display text: arrays joined with commas, null as empty.
    static func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return ""
        case let s as String: return s
        case let n as Int: return String(n)
        case let d as Double: return String(d)
        case let n as NSNumber: return n.stringValue
        case let array as [Any]: return array.map { text($0) }.filter { !$0.isEmpty }.joined(separator: ", ")
        case let object as [String: Any]: return raw(object)
        default: return "\(value!)"
        }
    }

    static func raw(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
        else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The template's values.
    var context: [String: Any] {
        var values: [String: Any] = [
            "matches": matches, "c2pa": c2pa, "metadata": metadata, "watermarks": watermarks, "synthetic": synthetic,
            "otherSignals": other, "hasEvidence": !synthetic.isEmpty,
        ]
        if let syntheticVerdict { values["syntheticVerdict"] = syntheticVerdict }
        return values
    }
}
