/// A watermark payload whose meaning is public: the marks the Stable Diffusion family embeds.
public struct KnownWatermark: Sendable, Hashable, Identifiable {
    /// A stable identifier for JSON ("sd1", "sd2", "sdxl").
    public let id: String
    /// Who embeds it, for people.
    public let name: String
    public let method: WatermarkMethod
    public let payload: WatermarkBits

    public init(id: String, name: String, method: WatermarkMethod, payload: WatermarkBits) {
        self.id = id
        self.name = name
        self.method = method
        self.payload = payload
    }

    /// Stable Diffusion 1.x reference scripts: the bytes "StableDiffusionV1" (136 bits).
    public static let stableDiffusion1 = KnownWatermark(
        id: "sd1", name: "Stable Diffusion 1.x", method: .dwtDct, payload: WatermarkBits(bytes: Array("StableDiffusionV1".utf8)))
    /// Stable Diffusion 2.x reference scripts: the bytes "SDV2" (32 bits).
    public static let stableDiffusion2 = KnownWatermark(
        id: "sd2", name: "Stable Diffusion 2.x", method: .dwtDct, payload: WatermarkBits(bytes: Array("SDV2".utf8)))
    /// SDXL and Stable Video Diffusion (diffusers, generative-models): 0xB3EC907BB19E, 48 bits, MSB first.
    public static let stableDiffusionXL = KnownWatermark(
        id: "sdxl", name: "SDXL / Stable Video Diffusion", method: .dwtDct,
        payload: WatermarkBits(value: 0xB3EC_907B_B19E, count: 48))

    public static let all: [KnownWatermark] = [stableDiffusion1, stableDiffusion2, stableDiffusionXL]
}
