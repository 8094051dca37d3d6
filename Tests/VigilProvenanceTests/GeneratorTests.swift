import Testing
import VigilProvenance

/// Generator metadata in files written here in each tool's documented layout.
enum PNGWriter {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    /// A 1×1 greyscale PNG with the given extra chunks before its image data.
    static func png(_ chunks: [[UInt8]]) -> [UInt8] {
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] + chunk("IHDR", be32(1) + be32(1) + [8, 0, 0, 0, 0])
            + chunks.flatMap { $0 }
            // zlib stream of the single filtered scanline [0, 0].
            + chunk("IDAT", [0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]) + chunk("IEND", [])
    }

    static func tEXt(_ key: String, _ value: String) -> [UInt8] {
        chunk("tEXt", Array(key.utf8) + [0] + value.unicodeScalars.map { UInt8($0.value & 0xff) })
    }

    static func iTXt(_ key: String, _ value: String) -> [UInt8] {
        chunk("iTXt", Array(key.utf8) + [0, 0, 0, 0, 0] + Array(value.utf8))
    }
}

@Suite struct GeneratorTests {
    static func inspect(_ bytes: [UInt8]) throws -> ProvenanceReport {
        try ProvenanceReport.inspect(bytes, name: "test", validator: C2PAValidator())
    }

    @Test func automatic1111Parameters() throws {
        let text = """
            a lighthouse on a cliff, oil painting
            Negative prompt: blurry, low quality
            Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: "a: 1, b: 2", Version: v1.6.0
            """
        let report = try Self.inspect(PNGWriter.png([PNGWriter.tEXt("parameters", text)]))
        let g = try #require(report.generators.first)
        #expect(g.tool == "AUTOMATIC1111")
        #expect(g.source == "png:parameters")
        #expect(g.parameters["prompt"] == "a lighthouse on a cliff, oil painting")
        #expect(g.parameters["negative_prompt"] == "blurry, low quality")
        #expect(g.parameters["Steps"] == "20")
        #expect(g.parameters["Sampler"] == "DPM++ 2M Karras")
        #expect(g.parameters["Seed"] == "1234")
        #expect(g.parameters["Model hash"] == "6ce0161689")
        #expect(g.parameters["Lora hashes"] == "a: 1, b: 2")
    }

    @Test func forgeIsTellByItsVersion() throws {
        let text = "a cat\nSteps: 25, Sampler: Euler, Seed: 7, Version: f2.0.1v1.10.1-previous-313"
        let report = try Self.inspect(PNGWriter.png([PNGWriter.iTXt("parameters", text)]))
        #expect(report.generators.map(\.tool) == ["Forge"])
    }

    @Test func compressedParameters() throws {
        // zlib.compress(b"Steps: 20, Sampler: Euler a, Seed: 42") from Python's zlib.
        let z: [UInt8] = [
            120, 156, 11, 46, 73, 45, 40, 182, 82, 48, 50, 208, 81, 8, 78, 204, 45, 200, 73, 45, 178, 82, 112, 45, 5, 82, 10,
            137, 64, 145, 212, 212, 20, 43, 5, 19, 35, 0, 223, 99, 11, 81,
        ]
        let report = try Self.inspect(PNGWriter.png([PNGWriter.chunk("zTXt", Array("parameters".utf8) + [0, 0] + z)]))
        #expect(report.generators.first?.parameters["Seed"] == "42")
    }

    @Test func comfyUIPromptAndWorkflow() throws {
        let prompt = """
            {"3": {"inputs": {"seed": 156680208700286, "steps": 20, "cfg": 8, "sampler_name": "euler", "scheduler": "normal",
            "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]},
            "class_type": "KSampler"},
            "4": {"inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}, "class_type": "CheckpointLoaderSimple"},
            "6": {"inputs": {"text": "beautiful scenery", "clip": ["4", 1]}, "class_type": "CLIPTextEncode"}}
            """
        let report = try Self.inspect(
            PNGWriter.png([PNGWriter.tEXt("prompt", prompt), PNGWriter.tEXt("workflow", #"{"nodes": [{"id": 3}]}"#)]))
        let g = try #require(report.generators.first)
        #expect(g.tool == "ComfyUI")
        #expect(g.parameters["seed"] == "156680208700286")
        #expect(g.parameters["steps"] == "20")
        #expect(g.parameters["sampler"] == "euler")
        #expect(g.parameters["model"] == "v1-5-pruned-emaonly.safetensors")
        #expect(g.parameters["nodes"] == "3")
    }

    @Test func invokeAIMetadataAndLegacy() throws {
        let modern =
            #"{"generation_mode": "txt2img", "positive_prompt": "a fox", "seed": 99, "steps": 30, "cfg_scale": 7.5, "model": {"name": "sd-1.5", "base": "sd-1"}, "app_version": "4.2.0"}"#
        var g = try #require(try Self.inspect(PNGWriter.png([PNGWriter.tEXt("invokeai_metadata", modern)])).generators.first)
        #expect(g.tool == "InvokeAI")
        #expect(g.parameters["prompt"] == "a fox")
        #expect(g.parameters["model"] == "sd-1.5")
        #expect(g.parameters["seed"] == "99")
        let legacy =
            #"{"model_weights": "stable-diffusion-1.5", "app_version": "2.3.0", "image": {"prompt": [{"prompt": "a fox", "weight": 1}], "seed": 5, "steps": 50, "sampler": "k_lms"}}"#
        g = try #require(try Self.inspect(PNGWriter.png([PNGWriter.tEXt("sd-metadata", legacy)])).generators.first)
        #expect(g.source == "png:sd-metadata")
        #expect(g.parameters["sampler"] == "k_lms")
        g = try #require(
            try Self.inspect(PNGWriter.png([PNGWriter.tEXt("Dream", #""a fox" -s 50 -S 42 -W 512 -H 512 -C 7.5 -A k_lms"#)]))
                .generators.first)
        #expect(g.parameters["seed"] == "42")
        #expect(g.parameters["prompt"] == "a fox")
    }

    @Test func novelAITextChunks() throws {
        let comment =
            #"{"prompt": "a castle", "steps": 28, "height": 1216, "width": 832, "scale": 5.0, "uncond_scale": 0.0, "seed": 3141, "sampler": "k_euler_ancestral", "uc": "lowres"}"#
        let bytes = PNGWriter.png([
            PNGWriter.tEXt("Title", "NovelAI generated image"), PNGWriter.tEXt("Description", "a castle"),
            PNGWriter.tEXt("Software", "NovelAI"), PNGWriter.tEXt("Source", "Stable Diffusion XL C1E1DE52"),
            PNGWriter.tEXt("Comment", comment),
        ])
        let g = try #require(try Self.inspect(bytes).generators.first)
        #expect(g.tool == "NovelAI")
        #expect(g.parameters["seed"] == "3141")
        #expect(g.parameters["negative_prompt"] == "lowres")
        #expect(g.parameters["model"] == "Stable Diffusion XL C1E1DE52")
    }

    /// Writes `payload` into alpha LSBs column-major (x outer, y inner) after the magic and length.
    static func stealthAlpha(_ payload: [UInt8], magic: String, width: Int, height: Int) -> [UInt8] {
        let header = Array(magic.utf8) + PNGWriter.be32(UInt32(payload.count * 8))
        let bits = (header + payload).flatMap { byte in (0..<8).reversed().map { (byte >> $0) & 1 } }
        var alpha = [UInt8](repeating: 254, count: width * height)
        for (i, bit) in bits.enumerated() { alpha[(i % height) * width + i / height] = 254 | bit }
        return alpha
    }

    @Test func novelAIStealthAlpha() throws {
        let json = #"{"Software": "NovelAI", "Source": "NovelAI Diffusion V4", "Comment": "{\"seed\": 77, \"steps\": 23}"}"#
        let alpha = Self.stealthAlpha(Array(json.utf8), magic: "stealth_pnginfo", width: 40, height: 30)
        let entries = try #require(try StealthPNGInfo.decode(alpha: alpha, width: 40, height: 30, name: "t"))
        let found = GeneratorDetector.detect(text: entries, exif: nil)
        #expect(found.first?.tool == "NovelAI")
        #expect(found.first?.parameters["seed"] == "77")
        // Ordinary alpha carries no magic.
        #expect(try StealthPNGInfo.decode(alpha: [UInt8](repeating: 255, count: 1200), width: 40, height: 30, name: "t") == nil)
        // A length past the image is refused with an error, not a crash.
        var lying = Self.stealthAlpha([1, 2], magic: "stealth_pnginfo", width: 40, height: 30)
        let lengthBitIndex = 15 * 8 + 1  // the length's second-highest bit
        lying[(lengthBitIndex % 30) * 40 + lengthBitIndex / 30] |= 1
        #expect(throws: ProvenanceError.self) { try StealthPNGInfo.decode(alpha: lying, width: 40, height: 30, name: "t") }
    }

    @Test func xmpInsidePNGAndUnsignedSourceType() throws {
        let bytes = PNGWriter.png([PNGWriter.iTXt("XML:com.adobe.xmp", XMPTests.packet)])
        let report = try Self.inspect(bytes)
        #expect(report.xmp?.digitalSourceTypes.first?.hasSuffix("trainedAlgorithmicMedia") == true)
        #expect(report.c2pa.state == .absent)
    }
}

@Suite struct EXIFTests {
    /// A JPEG whose APP1 EXIF (big-endian TIFF, as piexif writes it) holds Software in IFD0 and a
    /// UNICODE UserComment in the Exif IFD, the way AUTOMATIC1111 saves JPEG and WebP.
    static func jpeg(software: String, comment: String) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        func u32(_ v: Int) -> [UInt8] { PNGWriter.be32(UInt32(v)) }
        let soft = Array(software.utf8) + [0]
        let uc = Array("UNICODE\0".utf8) + comment.utf16.flatMap { u16(Int($0)) }
        // Layout: header(8) IFD0 at 8: 2 entries → 2+24+4 = 30 → Exif IFD at 38: 1 entry → 18 → data at 56.
        let softOffset = 56
        let ucOffset = softOffset + soft.count
        var tiff: [UInt8] = Array("MM".utf8) + u16(42) + u32(8)
        tiff += u16(2) + u16(0x0131) + u16(2) + u32(soft.count) + u32(softOffset)
        tiff += u16(0x8769) + u16(4) + u32(1) + u32(38) + u32(0)
        tiff += u16(1) + u16(0x9286) + u16(7) + u32(uc.count) + u32(ucOffset) + u32(0)
        tiff += soft + uc
        let app1 = Array("Exif\0\0".utf8) + tiff
        return [0xff, 0xd8] + [0xff, 0xe1] + u16(app1.count + 2) + app1 + [0xff, 0xd9]
    }

    @Test func automatic1111InJPEGUserComment() throws {
        let bytes = Self.jpeg(software: "Vigil test writer", comment: "a red boat\nSteps: 12, Sampler: Euler a, Seed: 5")
        let report = try ProvenanceReport.inspect(bytes, name: "t", validator: C2PAValidator())
        #expect(report.exif?.software == "Vigil test writer")
        #expect(report.exif?.userComment == "a red boat\nSteps: 12, Sampler: Euler a, Seed: 5")
        let g = try #require(report.generators.first)
        #expect(g.source == "exif:UserComment")
        #expect(g.parameters["Seed"] == "5")
    }
}
