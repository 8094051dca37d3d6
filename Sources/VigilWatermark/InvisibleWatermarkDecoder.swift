import VigilMedia

/// Decodes the open invisible watermarks (invisible-watermark 0.2.0, `dwtDct` and `dwtDctSvd`)
/// from 8-bit RGB pixels, reproducing the reference decoder's per-block votes and bits.
///
/// The reference pipeline, and how it is reproduced:
/// 1. BGR→YUV with OpenCV's 8-bit fixed-point formulas (exact integers); only U is used.
/// 2. The U plane is cropped to multiples of 4 and transformed by one level of PyWavelets' Haar DWT.
///    LL is computed with PyWavelets' binary64 operations in its order — rows paired first,
///    `c·x₀ + c·x₁` with `c = 0.7071067811865476`, then columns — so every LL value is bit-identical
///    (it is (a+b+c+d)/2 only to within an ulp, which decides ties and exact quantisation boundaries).
/// 3. The LL band is split into 4×4 blocks, row-major; each block votes 0 or 1 (see `WatermarkMethod`).
///
/// Stateless and `Sendable`; scratch memory is a few rows.
public enum InvisibleWatermarkDecoder {
    /// The reference rejects images with fewer pixels than this (`r*c < 256*256`; note it is the
    /// pixel count, so e.g. 200×400 is accepted).
    public static let minimumPixels = 256 * 256
    /// The quantisation step of both methods (the reference's default scale for U).
    public static let scale = 36.0

    /// PyWavelets' Haar analysis filter tap, `1/√2` rounded to binary64.
    static let haarTap = 0.7071067811865476

    /// `haarTap * x` for every 8-bit sample, rounded as PyWavelets rounds each product.
    static let haarProducts: [Double] = (0..<256).map { haarTap * Double($0) }

    /// Computes every block's vote for `method`, reading the pixels in `channelOrder`.
    /// Throws `imageTooSmall` for images the reference refuses.
    public static func votes(
        in image: RGBImage, method: WatermarkMethod, channelOrder: ChannelOrder = .fileOrder
    ) throws(WatermarkError) -> BlockVotes {
        let pixels = image.width * image.height
        guard pixels >= minimumPixels else {
            throw WatermarkError(
                .imageTooSmall,
                "image is \(image.width)×\(image.height) = \(pixels) pixels; the reference watermark decoder needs at least 256×256 = \(minimumPixels)"
            )
        }
        let croppedWidth = image.width / 4 * 4
        let croppedHeight = image.height / 4 * 4
        let llWidth = croppedWidth / 2
        let blockColumns = llWidth / 4
        let blockRows = croppedHeight / 2 / 4
        var votes = [UInt8](repeating: 0, count: blockRows * blockColumns)
        var uMin = UInt8.max, uMax = UInt8.min
        // Scratch: two U rows and four LL rows.
        var uRows = [UInt8](repeating: 0, count: 2 * croppedWidth)
        var ll = [Double](repeating: 0, count: 4 * llWidth)
        let swapped = channelOrder == .redBlueSwapped
        image.pixels.withUnsafeBufferPointer { rgb in
            uRows.withUnsafeMutableBufferPointer { u in
                ll.withUnsafeMutableBufferPointer { ll in
                    haarProducts.withUnsafeBufferPointer { products in
                        votes.withUnsafeMutableBufferPointer { votes in
                            for blockRow in 0..<blockRows {
                                for k in 0..<4 {
                                    let y = blockRow * 8 + 2 * k
                                    for half in 0..<2 {
                                        chromaRow(
                                            rgb.baseAddress! + (y + half) * image.width * 3, count: croppedWidth,
                                            swapped: swapped, into: u.baseAddress! + half * croppedWidth,
                                            min: &uMin, max: &uMax)
                                    }
                                    haarLLRow(
                                        u.baseAddress!, u.baseAddress! + croppedWidth, count: llWidth,
                                        products: products.baseAddress!, into: ll.baseAddress! + k * llWidth)
                                }
                                let row = votes.baseAddress! + blockRow * blockColumns
                                switch method {
                                case .dwtDct: maxCoefficientVotes(ll.baseAddress!, stride: llWidth, blocks: blockColumns, into: row)
                                case .dwtDctSvd: singularValueVotes(ll.baseAddress!, stride: llWidth, blocks: blockColumns, into: row)
                                }
                            }
                        }
                    }
                }
            }
        }
        // Rows of the cropped area that no block uses still count towards flatness, as a person would expect.
        if blockRows == 0 { uMin = 0; uMax = 1 }
        return BlockVotes(method: method, channelOrder: channelOrder, votes: votes, flatChroma: uMin == uMax)
    }

    /// The reference's bits for one payload length: `votes(…).bits(length:)`.
    public static func decode(
        _ image: RGBImage, method: WatermarkMethod, length: Int, channelOrder: ChannelOrder = .fileOrder
    ) throws(WatermarkError) -> WatermarkBits {
        try votes(in: image, method: method, channelOrder: channelOrder).bits(length: length)
    }

    /// OpenCV's 8-bit BGR→YUV U: `Y = (4899R + 9617G + 1868B + 2¹³) >> 14`,
    /// `U = clip(((B − Y)·8061 + 128·2¹⁴ + 2¹³) >> 14)`.
    @inline(__always)
    static func chromaRow(
        _ rgb: UnsafePointer<UInt8>, count: Int, swapped: Bool, into u: UnsafeMutablePointer<UInt8>,
        min: inout UInt8, max: inout UInt8
    ) {
        var lo = min, hi = max
        for x in 0..<count {
            let r0 = Int32(rgb[3 * x]), g = Int32(rgb[3 * x + 1]), b0 = Int32(rgb[3 * x + 2])
            let r = swapped ? b0 : r0, b = swapped ? r0 : b0
            let luma = (4899 &* r &+ 9617 &* g &+ 1868 &* b &+ 8192) >> 14
            let chroma = ((b &- luma) &* 8061 &+ (128 << 14) &+ 8192) >> 14
            let value = UInt8(clamping: chroma)
            u[x] = value
            lo = Swift.min(lo, value)
            hi = Swift.max(hi, value)
        }
        min = lo
        max = hi
    }

    /// One LL row from two U rows, with PyWavelets' operations: vertical pairs first, then horizontal.
    @inline(__always)
    static func haarLLRow(
        _ top: UnsafePointer<UInt8>, _ bottom: UnsafePointer<UInt8>, count: Int, products: UnsafePointer<Double>,
        into out: UnsafeMutablePointer<Double>
    ) {
        for j in 0..<count {
            let left = products[Int(top[2 * j])] + products[Int(bottom[2 * j])]
            let right = products[Int(top[2 * j + 1])] + products[Int(bottom[2 * j + 1])]
            out[j] = haarTap * left + haarTap * right
        }
    }

    /// `dwtDct`: v = the block's largest-magnitude value among indices 1…15 (row-major; the first wins
    /// ties, as `np.argmax`), vote = `(|v| mod 36) > 18`.
    static func maxCoefficientVotes(
        _ ll: UnsafePointer<Double>, stride: Int, blocks: Int, into votes: UnsafeMutablePointer<UInt8>
    ) {
        for block in 0..<blocks {
            let origin = ll + block * 4
            var best = origin[1].magnitude
            for i in 2..<16 {
                let value = origin[(i >> 2) * stride + (i & 3)].magnitude
                if value > best { best = value }
            }
            votes[block] = best.truncatingRemainder(dividingBy: scale) > scale / 2 ? 1 : 0
        }
    }

    /// `dwtDctSvd`: s₀ = the block's largest singular value, vote = `(s₀ mod 36) > 18`.
    ///
    /// The reference computes `np.linalg.svd(cv2.dct(block))`; the 4×4 DCT-II is orthonormal, so the
    /// singular values are those of the block itself, which are computed here directly (√ of the largest
    /// eigenvalue of AᵀA by cyclic Jacobi) without the DCT's extra rounding. Votes can differ from the
    /// reference's only where s₀ lies within rounding noise (~10⁻¹²) of a multiple of 18.
    static func singularValueVotes(
        _ ll: UnsafePointer<Double>, stride: Int, blocks: Int, into votes: UnsafeMutablePointer<UInt8>
    ) {
        for block in 0..<blocks {
            let origin = ll + block * 4
            let s0 = largestSingularValue4x4 { row, column in origin[row * stride + column] }
            votes[block] = s0.truncatingRemainder(dividingBy: scale) > scale / 2 ? 1 : 0
        }
    }
}

/// The largest singular value of the 4×4 matrix `a(row, column)`: the square root of the largest
/// eigenvalue of AᵀA, found by cyclic Jacobi rotations to full binary64 accuracy.
@inline(__always)
func largestSingularValue4x4(_ a: (Int, Int) -> Double) -> Double {
    var c0 = SIMD4<Double>.zero, c1 = SIMD4<Double>.zero, c2 = SIMD4<Double>.zero, c3 = SIMD4<Double>.zero
    for row in 0..<4 {
        c0[row] = a(row, 0)
        c1[row] = a(row, 1)
        c2[row] = a(row, 2)
        c3[row] = a(row, 3)
    }
    var m = SymmetricMatrix4()
    m[0, 0] = (c0 * c0).sum()
    m[0, 1] = (c0 * c1).sum()
    m[0, 2] = (c0 * c2).sum()
    m[0, 3] = (c0 * c3).sum()
    m[1, 1] = (c1 * c1).sum()
    m[1, 2] = (c1 * c2).sum()
    m[1, 3] = (c1 * c3).sum()
    m[2, 2] = (c2 * c2).sum()
    m[2, 3] = (c2 * c3).sum()
    m[3, 3] = (c3 * c3).sum()
    return m.largestEigenvalue().squareRoot()
}

/// A symmetric 4×4 matrix stored as its upper triangle, for the Jacobi eigenvalue iteration.
struct SymmetricMatrix4 {
    private var e: (Double, Double, Double, Double, Double, Double, Double, Double, Double, Double) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    @inline(__always) private static func index(_ i: Int, _ j: Int) -> Int {
        let (p, q) = i <= j ? (i, j) : (j, i)
        return p * 4 - p * (p - 1) / 2 + (q - p)
    }

    subscript(i: Int, j: Int) -> Double {
        get { withUnsafeBytes(of: e) { $0.load(fromByteOffset: Self.index(i, j) * 8, as: Double.self) } }
        set { withUnsafeMutableBytes(of: &e) { $0.storeBytes(of: newValue, toByteOffset: Self.index(i, j) * 8, as: Double.self) } }
    }

    /// The largest eigenvalue (cyclic Jacobi; converges quadratically, a few sweeps for 4×4).
    mutating func largestEigenvalue() -> Double {
        for _ in 0..<12 {
            var off = 0.0
            for p in 0..<3 { for q in p + 1..<4 { off += self[p, q] * self[p, q] } }
            var diagonal = 0.0
            for p in 0..<4 { diagonal += self[p, p] * self[p, p] }
            if off <= diagonal * 1e-34 || off == 0 { break }
            for p in 0..<3 {
                for q in p + 1..<4 { rotate(p, q) }
            }
        }
        return max(max(self[0, 0], self[1, 1]), max(self[2, 2], self[3, 3]))
    }

    /// Annihilates element (p, q) with one Jacobi rotation (Rutishauser's stable formulation).
    @inline(__always) private mutating func rotate(_ p: Int, _ q: Int) {
        let apq = self[p, q]
        guard apq != 0 else { return }
        let app = self[p, p], aqq = self[q, q]
        let theta = (aqq - app) / (2 * apq)
        let t = (theta >= 0 ? 1.0 : -1.0) / (theta.magnitude + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot()
        let s = t * c
        let tau = s / (1 + c)
        self[p, p] = app - t * apq
        self[q, q] = aqq + t * apq
        self[p, q] = 0
        for r in 0..<4 where r != p && r != q {
            let arp = self[r, p], arq = self[r, q]
            self[r, p] = arp - s * (arq + tau * arp)
            self[r, q] = arq + s * (arp - tau * arq)
        }
    }
}
