import VigilMedia

/// The two open invisible-watermark methods of invisible-watermark 0.2.0 (`imwatermark`), the
/// library the Stable Diffusion family uses.
public enum WatermarkMethod: String, Sendable, CaseIterable, Hashable {
    /// `EmbedMaxDct`: the largest-magnitude coefficient of each 4×4 block of the U channel's Haar
    /// LL band, excluding the block's first coefficient, quantised with step 36. (No DCT is computed,
    /// despite the name.)
    case dwtDct
    /// `EmbedDwtDctSvd`: the largest singular value of each 4×4 LL block, quantised with step 36.
    case dwtDctSvd
}

/// Which channels the reference decoder is given as blue and red.
public enum ChannelOrder: String, Sendable, CaseIterable, Hashable {
    /// The file's colours, as `cv2.imread` delivers them (BGR): the reference's intended input.
    case fileOrder = "file"
    /// Red and blue exchanged: what an encoder saw when it was handed RGB pixels as if they were BGR
    /// (as the diffusers SDXL pipeline does).
    case redBlueSwapped = "swapped"
}

/// The per-block votes of one decoding pass: block `n` (row-major over the LL band's 4×4 blocks)
/// votes for bit `n % length` of a payload of any length. Decoding a payload of a given length
/// aggregates these votes exactly as the reference does.
public struct BlockVotes: Sendable, Equatable {
    public let method: WatermarkMethod
    public let channelOrder: ChannelOrder
    /// 0 or 1 per block, row-major.
    public let votes: [UInt8]
    /// True when the U (chroma) plane is constant, as in grey images: every block then votes the
    /// same way and the bits carry no information.
    public let flatChroma: Bool

    /// The longest payload `bits(length:)` accepts.
    public static let maxLength = 1 << 16

    /// The reference's bits for a payload of `length` bits: bit `i` is 1 when the mean vote of the
    /// blocks `n ≡ i (mod length)` times 255 exceeds 127, evaluated in binary64 as numpy does. A bit
    /// with no block (an image with fewer blocks than `length`) is 0, as the reference's NaN mean gives.
    public func bits(length: Int) throws(WatermarkError) -> WatermarkBits {
        guard (1...Self.maxLength).contains(length) else {
            throw WatermarkError(.invalidLength, "watermark length must be between 1 and \(Self.maxLength) bits, not \(length)")
        }
        var ones = [Int](repeating: 0, count: length)
        var blocks = [Int](repeating: 0, count: length)
        var slot = 0
        for vote in votes {
            ones[slot] += Int(vote)
            blocks[slot] += 1
            slot += 1
            if slot == length { slot = 0 }
        }
        return WatermarkBits(
            (0..<length).map { i in blocks[i] > 0 && Double(ones[i]) / Double(blocks[i]) * 255 > 127 })
    }
}
