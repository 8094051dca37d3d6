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
                                case .dwtDct:
                                    maxCoefficientVotes(ll.baseAddress!, stride: llWidth, blocks: blockColumns, into: row)
                                case .dwtDctSvd:
                                    singularValueVotes(ll.baseAddress!, stride: llWidth, blocks: blockColumns, into: row)
                                }
                            }
                        }
                    }
                }
            }
        }
        // Flatness is judged on the rows the blocks cover; with no block nothing was read: not flat.
        if blockRows == 0 || blockColumns == 0 { uMin = 0; uMax = 1 }
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
    /// eigenvalue of AᵀA by cyclic Jacobi) without the DCT's extra rounding.
    ///
    /// Blocks whose exact s₀ is a multiple of 18 (flat areas with one different value, e.g. s₀ = 414)
    /// are decided by rounding noise alone. The reference's s₀ lands just above the exact value in every
    /// such block observed (36 of 36; see BENCHMARKS.md), so an s₀ within `boundaryTolerance`
    /// (relative) of a multiple of 18 is treated as lying just above it: on 36k + 18 it votes 1, on 36k, 0.
    static func singularValueVotes(
        _ ll: UnsafePointer<Double>, stride: Int, blocks: Int, into votes: UnsafeMutablePointer<UInt8>
    ) {
        for block in 0..<blocks {
            let origin = ll + block * 4
            let s0 = largestSingularValue4x4 { row, column in origin[row * stride + column] }
            votes[block] = singularValueVote(s0)
        }
    }

    /// How close (relative to s₀) to a multiple of 18 counts as exactly on it: far above the ~10⁻¹⁴
    /// rounding noise of either computation, far below the spacing of s₀ values of distinct blocks.
    static let boundaryTolerance = 1e-12

    /// The dwtDctSvd vote for s₀, with exact quantisation boundaries resolved as the reference resolves them.
    @inline(__always)
    static func singularValueVote(_ s0: Double) -> UInt8 {
        let r = s0.truncatingRemainder(dividingBy: scale)
        let tolerance = s0 * boundaryTolerance
        if (r - scale / 2).magnitude <= tolerance { return 1 }
        if scale - r <= tolerance { return 0 }
        return r > scale / 2 ? 1 : 0
    }
}

/// The largest singular value of the 4×4 matrix `a(row, column)`: the square root of the largest
/// eigenvalue of AᵀA, found by cyclic Jacobi rotations to full binary64 accuracy.
@inline(__always)
func largestSingularValue4x4(_ a: (Int, Int) -> Double) -> Double {
    let c0 = (a(0, 0), a(1, 0), a(2, 0), a(3, 0)), c1 = (a(0, 1), a(1, 1), a(2, 1), a(3, 1))
    let c2 = (a(0, 2), a(1, 2), a(2, 2), a(3, 2)), c3 = (a(0, 3), a(1, 3), a(2, 3), a(3, 3))
    // Dot products summed left to right in every build (a SIMD `.sum()` may reassociate).
    @inline(__always) func dot(_ x: (Double, Double, Double, Double), _ y: (Double, Double, Double, Double)) -> Double {
        x.0 * y.0 + x.1 * y.1 + x.2 * y.2 + x.3 * y.3
    }
    var matrix = SymmetricMatrix4(
        a00: dot(c0, c0), a01: dot(c0, c1), a02: dot(c0, c2), a03: dot(c0, c3),
        a11: dot(c1, c1), a12: dot(c1, c2), a13: dot(c1, c3),
        a22: dot(c2, c2), a23: dot(c2, c3), a33: dot(c3, c3))
    return matrix.largestEigenvalue().squareRoot()
}

/// A symmetric 4×4 matrix (its upper triangle) for the cyclic Jacobi eigenvalue iteration.
struct SymmetricMatrix4 {
    var a00, a01, a02, a03, a11, a12, a13, a22, a23, a33: Double

    /// The largest eigenvalue. Sweeps rotate away each off-diagonal element in turn until they are
    /// negligible (relative 10⁻¹⁶ of the diagonal); convergence is quadratic, a few sweeps for 4×4.
    mutating func largestEigenvalue() -> Double {
        for _ in 0..<16 {
            let off = a01 * a01 + a02 * a02 + a03 * a03 + a12 * a12 + a13 * a13 + a23 * a23
            let diagonal = a00 * a00 + a11 * a11 + a22 * a22 + a33 * a33
            if off <= diagonal * 1e-32 { break }
            Self.rotate(&a00, &a11, &a01, &a02, &a12, &a03, &a13)
            Self.rotate(&a00, &a22, &a02, &a01, &a12, &a03, &a23)
            Self.rotate(&a00, &a33, &a03, &a01, &a13, &a02, &a23)
            Self.rotate(&a11, &a22, &a12, &a01, &a02, &a13, &a23)
            Self.rotate(&a11, &a33, &a13, &a01, &a03, &a12, &a23)
            Self.rotate(&a22, &a33, &a23, &a02, &a03, &a12, &a13)
        }
        return max(max(a00, a11), max(a22, a33))
    }

    /// One Jacobi rotation in the (p, q) plane zeroing `apq` (Rutishauser's formulation, as in
    /// Numerical Recipes); (rp, rq) and (sp, sq) are the elements of the two other rows in columns p, q.
    @inline(__always)
    static func rotate(
        _ app: inout Double, _ aqq: inout Double, _ apq: inout Double,
        _ arp: inout Double, _ arq: inout Double, _ asp: inout Double, _ asq: inout Double
    ) {
        guard apq != 0 else { return }
        let theta = (aqq - app) / (2 * apq)
        let t =
            theta.magnitude > 1e150
            ? 1 / (2 * theta)
            : (theta >= 0 ? 1.0 : -1.0) / (theta.magnitude + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot()
        let s = t * c
        let tau = s / (1 + c)
        app -= t * apq
        aqq += t * apq
        apq = 0
        let (rp, rq) = (arp, arq)
        arp = rp - s * (rq + tau * rp)
        arq = rq + s * (rp - tau * rq)
        let (sp, sq) = (asp, asq)
        asp = sp - s * (sq + tau * sp)
        asq = sq + s * (sp - tau * sq)
    }
}
