import Foundation

/// The signature of an image generator's own metadata, with the parameters it recorded.
public struct GeneratorInfo: Sendable, Equatable {
    /// `AUTOMATIC1111`, `Forge`, `ComfyUI`, `InvokeAI` or `NovelAI`.
    public var tool: String
    /// Where it was found: `png:parameters`, `exif:UserComment`, `stealth:alpha`, ...
    public var source: String
    /// The parsed parameters (prompt, negative_prompt, steps, sampler, seed, cfg_scale, model, ...).
    public var parameters: [String: String]

    public init(tool: String, source: String, parameters: [String: String]) {
        self.tool = tool
        self.source = source
        self.parameters = parameters
    }
}

/// Recognises the metadata AUTOMATIC1111/Forge, ComfyUI, InvokeAI and NovelAI write.
public enum GeneratorDetector {
    /// The most bytes of any one value that is parsed as JSON.
    static let maxJSON = 4 << 20

    /// Every generator signature among PNG text entries and EXIF UserComment/Software.
    public static func detect(text: [(key: String, value: String)], exif: EXIFInfo?) -> [GeneratorInfo] {
        var found: [GeneratorInfo] = []
        let lookup = Dictionary(text.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        if let software = lookup["Software"], software.hasPrefix("NovelAI") {
            found.append(novelAI(lookup, source: "png:Comment"))
        }
        if let parameters = lookup["parameters"], let info = automatic1111(parameters, source: "png:parameters") {
            found.append(info)
        }
        if lookup["prompt"] != nil || lookup["workflow"] != nil, let info = comfyUI(lookup) { found.append(info) }
        if let info = invokeAI(lookup) { found.append(info) }
        if let comment = exif?.userComment, let info = automatic1111(comment, source: "exif:UserComment") {
            found.append(info)
        }
        if found.isEmpty, let software = exif?.software, software.hasPrefix("NovelAI") {
            found.append(GeneratorInfo(tool: "NovelAI", source: "exif:Software", parameters: [:]))
        }
        return found
    }

    static func json(_ text: String) -> Any? {
        guard text.utf8.count <= maxJSON, let data = text.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        case let d as [String: Any]: return string(d["name"] ?? d["model_name"])
        default: return nil
        }
    }

    /// AUTOMATIC1111/Forge "parameters": prompt, an optional `Negative prompt:` line, then a line of
    /// `Key: value` pairs starting with `Steps:`.
    public static func automatic1111(_ text: String, source: String) -> GeneratorInfo? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let last = lines.lastIndex(where: { $0.hasPrefix("Steps: ") }) else { return nil }
        var parameters = settings(lines[last])
        var prompt: [String] = []
        var negative: [String] = []
        var inNegative = false
        for line in lines[..<last] {
            if line.hasPrefix("Negative prompt:") {
                inNegative = true
                negative.append(String(line.dropFirst("Negative prompt:".count)).trimmedXMLSpace())
            } else if inNegative {
                negative.append(line)
            } else {
                prompt.append(line)
            }
        }
        parameters["prompt"] = prompt.joined(separator: "\n")
        if !negative.isEmpty { parameters["negative_prompt"] = negative.joined(separator: "\n") }
        let tool = (parameters["Version"] ?? "").hasPrefix("f") ? "Forge" : "AUTOMATIC1111"
        return GeneratorInfo(tool: tool, source: source, parameters: parameters)
    }

    /// `Key: value, Key: "quoted, value", ...`.
    static func settings(_ line: String) -> [String: String] {
        var out: [String: String] = [:]
        var rest = Substring(line)
        while !rest.isEmpty {
            guard let colon = rest.range(of: ": ") else { break }
            let key = rest[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[colon.upperBound...]
            var value: Substring
            if rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") {
                value = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                if let comma = rest.firstIndex(of: ",") { rest = rest[rest.index(after: comma)...] } else { rest = "" }
            } else if let comma = rest.range(of: ", ") {
                value = rest[..<comma.lowerBound]
                rest = rest[comma.upperBound...]
            } else {
                value = rest
                rest = ""
            }
            out[key] = String(value)
        }
        return out
    }

    /// ComfyUI: `prompt` is the API graph (node id → {class_type, inputs}), `workflow` the editor's.
    static func comfyUI(_ lookup: [String: String]) -> GeneratorInfo? {
        var parameters: [String: String] = [:]
        if let text = lookup["prompt"], let graph = json(text) as? [String: Any] {
            let nodes = graph.values.compactMap { $0 as? [String: Any] }
            guard !nodes.isEmpty, nodes.allSatisfy({ $0["class_type"] is String }) else { return nil }
            parameters["nodes"] = String(nodes.count)
            for node in nodes {
                let inputs = node["inputs"] as? [String: Any] ?? [:]
                switch node["class_type"] as? String ?? "" {
                case let t where t.hasPrefix("KSampler"):
                    for (key, name) in [
                        ("seed", "seed"), ("noise_seed", "seed"), ("steps", "steps"), ("cfg", "cfg_scale"),
                        ("sampler_name", "sampler"), ("scheduler", "scheduler"),
                    ] {
                        if let v = string(inputs[key]) { parameters[name] = v }
                    }
                case let t where t.hasPrefix("CheckpointLoader"):
                    if let v = string(inputs["ckpt_name"]) { parameters["model"] = v }
                case "CLIPTextEncode":
                    if let v = inputs["text"] as? String, parameters["prompt"] == nil { parameters["prompt"] = v }
                default: break
                }
            }
        } else if let text = lookup["workflow"], let workflow = json(text) as? [String: Any], workflow["nodes"] is [Any] {
            parameters["nodes"] = String((workflow["nodes"] as? [Any])?.count ?? 0)
        } else {
            return nil
        }
        return GeneratorInfo(
            tool: "ComfyUI", source: lookup["prompt"] != nil ? "png:prompt" : "png:workflow", parameters: parameters)
    }

    /// InvokeAI: `invokeai_metadata` (3.x+), `sd-metadata` (2.x) or `Dream` (1.x command line).
    static func invokeAI(_ lookup: [String: String]) -> GeneratorInfo? {
        if let text = lookup["invokeai_metadata"], let m = json(text) as? [String: Any] {
            var p: [String: String] = [:]
            for (key, name) in [
                ("positive_prompt", "prompt"), ("negative_prompt", "negative_prompt"), ("seed", "seed"), ("steps", "steps"),
                ("cfg_scale", "cfg_scale"), ("scheduler", "sampler"), ("model", "model"), ("app_version", "version"),
                ("generation_mode", "mode"),
            ] {
                if let v = string(m[key]) { p[name] = v }
            }
            return GeneratorInfo(tool: "InvokeAI", source: "png:invokeai_metadata", parameters: p)
        }
        if let text = lookup["sd-metadata"], let m = json(text) as? [String: Any] {
            var p: [String: String] = [:]
            if let v = string(m["model_weights"]) { p["model"] = v }
            if let v = string(m["app_version"]) { p["version"] = v }
            if let image = m["image"] as? [String: Any] {
                for (key, name) in [("seed", "seed"), ("steps", "steps"), ("cfg_scale", "cfg_scale"), ("sampler", "sampler")] {
                    if let v = string(image[key]) { p[name] = v }
                }
                if let prompt = image["prompt"] as? String {
                    p["prompt"] = prompt
                } else if let list = image["prompt"] as? [[String: Any]] {
                    p["prompt"] = list.compactMap { $0["prompt"] as? String }.joined(separator: " ")
                }
            }
            return GeneratorInfo(tool: "InvokeAI", source: "png:sd-metadata", parameters: p)
        }
        if let dream = lookup["Dream"] {
            var p: [String: String] = [:]
            if dream.hasPrefix("\""), let close = dream.dropFirst().firstIndex(of: "\"") {
                p["prompt"] = String(dream[dream.index(after: dream.startIndex)..<close])
            }
            let words = dream.split(separator: " ")
            for (flag, name) in [("-s", "steps"), ("-S", "seed"), ("-C", "cfg_scale"), ("-A", "sampler")] {
                if let i = words.firstIndex(of: Substring(flag)), i + 1 < words.endIndex { p[name] = String(words[i + 1]) }
            }
            return GeneratorInfo(tool: "InvokeAI", source: "png:Dream", parameters: p)
        }
        return nil
    }

    /// NovelAI: `Software` = NovelAI, `Source` (the model), `Description` (the prompt) and `Comment` (JSON).
    static func novelAI(_ lookup: [String: String], source: String) -> GeneratorInfo {
        var p: [String: String] = [:]
        if let v = lookup["Source"] { p["model"] = v }
        if let v = lookup["Description"] { p["prompt"] = v }
        if let text = lookup["Comment"], let m = json(text) as? [String: Any] {
            for (key, name) in [
                ("prompt", "prompt"), ("uc", "negative_prompt"), ("steps", "steps"), ("seed", "seed"), ("scale", "cfg_scale"),
                ("sampler", "sampler"),
            ] {
                if let v = string(m[key]) { p[name] = v }
            }
        }
        return GeneratorInfo(tool: "NovelAI", source: source, parameters: p)
    }
}

/// NovelAI's stealth metadata: the alpha channel's least significant bits, read column by column
/// (x outer, y inner): the magic `stealth_pnginfo` (plain) or `stealth_pngcomp` (gzip), a 32-bit
/// big-endian length in bits, then the payload (a JSON object of PNG text entries).
public enum StealthPNGInfo {
    public static let maxPayloadBits = 64 << 20

    /// The text entries hidden in `alpha` (one byte a pixel, row-major), or nil when there are none.
    public static func decode(alpha: [UInt8], width: Int, height: Int, name: String) throws(ProvenanceError) -> [(
        key: String, value: String
    )]? {
        guard width > 0, height > 0, alpha.count == width * height else { return nil }
        var bit = 0
        func next(_ count: Int) -> [UInt8]? {
            guard count % 8 == 0, bit + count <= alpha.count else { return nil }
            var out = [UInt8](repeating: 0, count: count / 8)
            for i in 0..<count {
                let x = (bit + i) / height
                let y = (bit + i) % height
                out[i / 8] = out[i / 8] << 1 | (alpha[y * width + x] & 1)
            }
            bit += count
            return out
        }
        guard let magic = next(15 * 8) else { return nil }
        let compressed: Bool
        switch String(decoding: magic, as: UTF8.self) {
        case "stealth_pnginfo": compressed = false
        case "stealth_pngcomp": compressed = true
        default: return nil
        }
        guard let lengthBytes = next(32) else { throw ProvenanceError(.truncated, "\(name): stealth metadata length cut off") }
        let bits = lengthBytes.reduce(0) { $0 << 8 | Int($1) }
        guard bits <= maxPayloadBits, bits % 8 == 0, let payload = next(bits) else {
            throw ProvenanceError(.truncated, "\(name): stealth metadata declares more bits than the image holds")
        }
        let bytes = compressed ? try PNGText.inflate(payload, gzip: true, name: name) : payload
        guard let object = GeneratorDetector.json(String(decoding: bytes, as: UTF8.self)) as? [String: Any] else {
            throw ProvenanceError(.malformed, "\(name): stealth metadata is not a JSON object")
        }
        return object.keys.sorted().compactMap { key in GeneratorDetector.string(object[key]).map { (key, $0) } }
    }
}
