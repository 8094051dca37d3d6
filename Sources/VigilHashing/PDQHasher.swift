import Foundation
import VigilMedia

/// Meta's PDQ, bit-exact with the C++ reference (`pdq/cpp`) as the `pdqhash` package runs it:
/// luma from RGB, two Jarosz box-filter passes (rows, then columns) with window ⌈dim/128⌉,
/// decimation to 64×64, a 16×16 DCT, and a median threshold.
///
/// The blur is streamed: luma rows are produced eight at a time, filtered along rows with the
/// eight rows in SIMD lanes, and fed through the column passes with only a window's worth of
/// rows kept, so memory stays O(width × window) instead of O(width × height) and stays in cache.
/// Each running sum performs the reference's float operations in the reference's order, so the
/// result does not depend on this reorganisation.
///
/// Holds scratch buffers: use one hasher per thread.
public final class PDQHasher {
    /// Rows processed together in SIMD lanes.
    static let lanes = 8
    typealias Lanes = SIMD8<Float>

    public init() {}

    // MARK: Public entry points

    /// Hashes an RGB image at full resolution.
    public func hash(_ image: RGBImage) -> PDQResult {
        let (dct, quality) = image.pixels.withUnsafeBufferPointer { rgb in
            dct16(width: image.width, height: image.height, blurEvenAt64: false, luma: RGBLuma(rgb: rgb, width: image.width))
        }
        return Self.result(dct, quality)
    }

    /// Hashes an RGB image and returns the eight dihedral variants (in `DihedralVariant` order).
    /// As in the reference, this path always blurs, so for exactly 64×64 inputs the `original`
    /// variant can differ from `hash(_:)`, which skips the blur there.
    public func dihedralHashes(_ image: RGBImage) -> (hashes: [PDQHash], quality: Int) {
        let (dct, quality) = image.pixels.withUnsafeBufferPointer { rgb in
            dct16(width: image.width, height: image.height, blurEvenAt64: true, luma: RGBLuma(rgb: rgb, width: image.width))
        }
        guard let dct else { return (Array(repeating: .zero, count: 8), 0) }
        return (DihedralVariant.allCases.map { Self.bits(Self.transform(dct, $0)) }, quality)
    }

    /// Hashes a DCT-scaled decode of a `sourceWidth`×`sourceHeight` image (the `--fast` path),
    /// choosing blur windows and sample points that approximate the full-resolution hash.
    public func hash(_ image: RGBImage, reducedFromWidth sourceWidth: Int, height sourceHeight: Int, scale: Int) -> PDQResult {
        guard scale > 1 else { return hash(image) }
        let geometry = (
            columns: AxisGeometry(emulating: sourceWidth, reducedLength: image.width, scale: scale),
            rows: AxisGeometry(emulating: sourceHeight, reducedLength: image.height, scale: scale)
        )
        let (dct, quality) = image.pixels.withUnsafeBufferPointer { rgb in
            dct16(
                width: image.width, height: image.height, blurEvenAt64: false,
                luma: RGBLuma(rgb: rgb, width: image.width), geometry: geometry)
        }
        return Self.result(dct, quality)
    }

    /// Hashes a float luma plane (row-major, `width*height` values), as `pdqHash256FromFloatLuma`.
    public func hash(luma: [Float], width: Int, height: Int) -> PDQResult {
        precondition(luma.count == width * height, "luma plane size does not match its dimensions")
        let (dct, quality) = luma.withUnsafeBufferPointer { plane in
            dct16(width: width, height: height, blurEvenAt64: false, luma: PlaneLuma(plane: plane, width: width))
        }
        return Self.result(dct, quality)
    }

    // MARK: Luma sources

    /// Produces luma for `rows` rows starting at `firstRow`, lane-interleaved: `out[j*8 + k]` is
    /// column j of row `firstRow + k`. Lanes past `rows` repeat the last row.
    protocol LumaSource {
        func fill(firstRow: Int, rows: Int, width: Int, into out: UnsafeMutablePointer<Float>)
    }

    /// Luma exactly as pdqhash computes it: `float32(R*0.299 + G*0.587 + B*0.114)` in double.
    struct RGBLuma: LumaSource {
        let rgb: UnsafeBufferPointer<UInt8>
        let width: Int

        func fill(firstRow: Int, rows: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
            let base = rgb.baseAddress!
            LumaTables.shared.terms.withUnsafeBufferPointer { terms in
                let red = terms.baseAddress!, green = red + 256, blue = red + 512
                for k in 0..<PDQHasher.lanes {
                    var p = base + (firstRow + min(k, rows - 1)) * width * 3
                    var o = out + k
                    for _ in 0..<width {
                        // The same double operations, in the same order, as numpy's
                        // `R*0.299 + G*0.587 + B*0.114`, then rounded to float32.
                        o.pointee = Float((red[Int(p[0])] + green[Int(p[1])]) + blue[Int(p[2])])
                        p += 3
                        o += PDQHasher.lanes
                    }
                }
            }
        }
    }

    /// A ready float luma plane.
    struct PlaneLuma: LumaSource {
        let plane: UnsafeBufferPointer<Float>
        let width: Int

        func fill(firstRow: Int, rows: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
            for k in 0..<PDQHasher.lanes {
                let row = plane.baseAddress! + (firstRow + min(k, rows - 1)) * width
                for j in 0..<width { out[j * PDQHasher.lanes + k] = row[j] }
            }
        }
    }

    // MARK: Scratch

    private var lumaBlock: [Float] = []  // width × 8, lane-interleaved
    private var sumsBlock: [Float] = []  // width × 8, lane-interleaved
    private var ring: [Float] = []  // ringRows × width, first-pass row outputs
    private var columnBlock: [Float] = []  // 8 × width, column-pass outputs awaiting the second row pass
    private var sampled: [Float] = []  // height × 64, second row pass at the decimation columns

    private func reserve(_ buffer: inout [Float], _ count: Int) {
        if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
    }

    // MARK: Downsampling

    /// Blurs and decimates to 64×64, computes quality, and returns the 16×16 DCT (row-major),
    /// or nil when a side is under 5 pixels (the reference's all-zero hash, quality 0).
    func dct16(
        width: Int, height: Int, blurEvenAt64: Bool, luma: some LumaSource,
        geometry: (columns: AxisGeometry, rows: AxisGeometry)? = nil
    ) -> ([Float]?, Int) {
        guard width >= 5, height >= 5 else { return (nil, 0) }
        var block64 = [Float](repeating: 0, count: 64 * 64)
        if width == 64 && height == 64 && !blurEvenAt64 && geometry == nil {
            copyUnblurred(luma: luma, into: &block64)
        } else {
            let (columns, rows) = geometry ?? (AxisGeometry(exact: width), AxisGeometry(exact: height))
            blurAndDecimate(width: width, height: height, columns: columns, rows: rows, luma: luma, into: &block64)
        }
        let quality = Self.quality(block64)
        return (Self.dct64To16(block64), quality)
    }

    private func copyUnblurred(luma: some LumaSource, into block64: inout [Float]) {
        reserve(&lumaBlock, 64 * Self.lanes)
        lumaBlock.withUnsafeMutableBufferPointer { scratch in
            for first in stride(from: 0, to: 64, by: Self.lanes) {
                luma.fill(firstRow: first, rows: Self.lanes, width: 64, into: scratch.baseAddress!)
                for k in 0..<Self.lanes {
                    for j in 0..<64 { block64[(first + k) * 64 + j] = scratch[j * Self.lanes + k] }
                }
            }
        }
    }

    private func blurAndDecimate(
        width: Int, height: Int, columns: AxisGeometry, rows: AxisGeometry, luma: some LumaSource,
        into block64: inout [Float]
    ) {
        let lanes = Self.lanes
        let rowWindow = columns.window
        let columnWindow = rows.window
        let rowCounts = Self.boxCounts(length: width, window: rowWindow)
        let sampleColumns = columns.samples
        let sampleRows = rows.samples
        let ringRows = columnWindow + lanes

        reserve(&lumaBlock, width * lanes)
        reserve(&sumsBlock, width * lanes)
        reserve(&ring, ringRows * width)
        reserve(&columnBlock, lanes * width)
        reserve(&sampled, height * 64)

        lumaBlock.withUnsafeMutableBufferPointer { lumaBlock in
            sumsBlock.withUnsafeMutableBufferPointer { sums in
                ring.withUnsafeMutableBufferPointer { ring in
                    columnBlock.withUnsafeMutableBufferPointer { columnBlock in
                        sampled.withUnsafeMutableBufferPointer { sampled in
                            let lumaPtr = lumaBlock.baseAddress!, sumsPtr = sums.baseAddress!
                            let ringPtr = ring.baseAddress!, columnPtr = columnBlock.baseAddress!
                            let sampledPtr = sampled.baseAddress!
                            var columns = ColumnBox(width: width, length: height, window: columnWindow)
                            var pendingColumnRows = 0  // rows waiting in columnBlock
                            var nextSampledRow = 0

                            /// The second row pass over the buffered column-pass rows; keeps the 64 decimation columns.
                            func flushColumnRows() {
                                guard pendingColumnRows > 0 else { return }
                                Self.interleave(rows: columnPtr, count: pendingColumnRows, width: width, into: lumaPtr)
                                Self.rowBoxSums(lumaPtr, sumsPtr, length: width, window: rowWindow)
                                for (k, column) in sampleColumns.enumerated() {
                                    let value = Self.loadLanes(sumsPtr, column) / Lanes(repeating: rowCounts[column])
                                    for lane in 0..<pendingColumnRows {
                                        sampledPtr[(nextSampledRow + lane) * 64 + k] = value[lane]
                                    }
                                }
                                nextSampledRow += pendingColumnRows
                                pendingColumnRows = 0
                            }
                            let ringRow = { (row: Int) in UnsafePointer(ringPtr + (row % ringRows) * width) }
                            let emit = { (_: Int) -> UnsafeMutablePointer<Float> in
                                if pendingColumnRows == lanes { flushColumnRows() }
                                defer { pendingColumnRows += 1 }
                                return columnPtr + pendingColumnRows * width
                            }

                            for first in stride(from: 0, to: height, by: lanes) {
                                let rows = min(lanes, height - first)
                                // First row pass, eight rows at once in SIMD lanes.
                                luma.fill(firstRow: first, rows: rows, width: width, into: lumaPtr)
                                Self.rowBoxSums(lumaPtr, sumsPtr, length: width, window: rowWindow)
                                rowCounts.withUnsafeBufferPointer { counts in
                                    for j in 0..<width {
                                        Self.storeLanes(sumsPtr, j, Self.loadLanes(sumsPtr, j) / Lanes(repeating: counts[j]))
                                    }
                                }
                                for lane in 0..<rows {
                                    Self.deinterleave(
                                        sumsPtr, lane: lane, width: width, into: ringPtr + ((first + lane) % ringRows) * width)
                                }
                                // First column pass, one row at a time across all columns.
                                for row in first..<(first + rows) {
                                    columns.push(entering: ringRow(row), leaving: ringRow, output: emit)
                                }
                            }
                            columns.finish(leaving: ringRow, output: emit)
                            flushColumnRows()

                            // Second column pass over the 64 kept columns, then decimate rows.
                            var secondColumns = ColumnBox(width: 64, length: height, window: columnWindow)
                            var finalRows = [Float](repeating: 0, count: height * 64)
                            finalRows.withUnsafeMutableBufferPointer { finalRows in
                                let out = finalRows.baseAddress!
                                let sampledRow = { (row: Int) in UnsafePointer(sampledPtr + row * 64) }
                                var outputRow = 0
                                let next = { (_: Int) -> UnsafeMutablePointer<Float> in
                                    defer { outputRow += 1 }
                                    return out + outputRow * 64
                                }
                                for row in 0..<height {
                                    secondColumns.push(entering: sampledRow(row), leaving: sampledRow, output: next)
                                }
                                secondColumns.finish(leaving: sampledRow, output: next)
                                for (i, row) in sampleRows.enumerated() {
                                    for j in 0..<64 { block64[i * 64 + j] = out[row * 64 + j] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The blur window and the 64 decimation indices along one axis.
    struct AxisGeometry: Equatable {
        let window: Int
        let samples: [Int]

        /// The reference's geometry for a side of `length` pixels.
        init(exact length: Int) {
            window = PDQHasher.windowSize(length)
            samples = PDQHasher.decimationIndices(length)
        }

        /// Geometry on a side reduced by DCT scaling (`scale` = 2, 4 or 8) that approximates the
        /// reference's on the full side: the window whose two box passes, after the scaled IDCT's own
        /// averaging over `scale` pixels, come closest in variance to the full-resolution passes, and
        /// the reduced pixels covering the full-resolution sample positions.
        init(emulating fullLength: Int, reducedLength: Int, scale: Int) {
            let fullWindow = PDQHasher.windowSize(fullLength)
            let target = 2 * (fullWindow * fullWindow - 1)
            func variance(_ w: Int) -> Int { 2 * scale * scale * (w * w - 1) + (scale * scale - 1) }
            var best = 1
            for w in 1...max(1, reducedLength) where abs(variance(w) - target) < abs(variance(best) - target) { best = w }
            window = best
            samples = PDQHasher.decimationIndices(fullLength).map { min($0 / scale, reducedLength - 1) }
        }
    }

    // MARK: Box filter pieces (Meta's box1DFloat, reorganised but operation-for-operation)

    /// `computeJaroszFilterWindowSize(dim, 64)`.
    static func windowSize(_ dimension: Int) -> Int { (dimension + 127) / 128 }

    /// The number of samples each output of a box of `window` over `length` divides by.
    static func boxCounts(length: Int, window: Int) -> [Float] {
        let half = (window + 2) / 2
        var counts: [Float] = []
        counts.reserveCapacity(length)
        for o in 0..<(window - half + 1) { counts.append(Float(half + o)) }
        for _ in 0..<(length - window) { counts.append(Float(window)) }
        for t in 0..<(half - 1) { counts.append(Float(window - 1 - t)) }
        return counts
    }

    /// `decimateFloat`'s source index for each of the 64 outputs.
    static func decimationIndices(_ dimension: Int) -> [Int] {
        (0..<64).map { Int((Double($0) + 0.5) * Double(dimension) / 64) }
    }

    @inline(__always) static func loadLanes(_ p: UnsafeMutablePointer<Float>, _ j: Int) -> Lanes {
        UnsafeRawPointer(p + j * lanes).loadUnaligned(as: Lanes.self)
    }

    @inline(__always) static func storeLanes(_ p: UnsafeMutablePointer<Float>, _ j: Int, _ v: Lanes) {
        UnsafeMutableRawPointer(p + j * lanes).storeBytes(of: v, as: Lanes.self)
    }

    /// The running sums (before division) of the 1-D box along eight lane-interleaved rows.
    static func rowBoxSums(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>, length: Int, window: Int)
    {
        let half = (window + 2) / 2
        var sum = Lanes(repeating: 0)
        var ri = 0, li = 0, oi = 0
        for _ in 0..<(half - 1) {
            sum += loadLanes(input, ri); ri += 1
        }
        for _ in 0..<(window - half + 1) {
            sum += loadLanes(input, ri); ri += 1
            storeLanes(output, oi, sum); oi += 1
        }
        for _ in 0..<(length - window) {
            sum += loadLanes(input, ri); ri += 1
            sum -= loadLanes(input, li); li += 1
            storeLanes(output, oi, sum); oi += 1
        }
        for _ in 0..<(half - 1) {
            sum -= loadLanes(input, li); li += 1
            storeLanes(output, oi, sum); oi += 1
        }
    }

    /// Copies one lane of a lane-interleaved block out as a row-major row.
    @inline(__always)
    static func deinterleave(_ block: UnsafeMutablePointer<Float>, lane: Int, width: Int, into row: UnsafeMutablePointer<Float>) {
        var source = block + lane
        for j in 0..<width {
            row[j] = source.pointee
            source += lanes
        }
    }

    /// Copies `count` row-major rows into lane-interleaved layout (lanes past `count` repeat the last).
    static func interleave(rows: UnsafeMutablePointer<Float>, count: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
        for k in 0..<lanes {
            let row = rows + min(k, count - 1) * width
            for j in 0..<width { out[j * lanes + k] = row[j] }
        }
    }

    /// The 1-D box run down every column at once, one row in, one row out, in the reference's
    /// phase order: add only; add and write; add, subtract and write; subtract and write.
    struct ColumnBox {
        let width: Int, length: Int, window: Int, half: Int
        var sums: [Float]
        var added = 0

        init(width: Int, length: Int, window: Int) {
            self.width = width
            self.length = length
            self.window = window
            self.half = (window + 2) / 2
            self.sums = [Float](repeating: 0, count: width)
        }

        mutating func push(
            entering: UnsafePointer<Float>, leaving: (Int) -> UnsafePointer<Float>,
            output: (Int) -> UnsafeMutablePointer<Float>
        ) {
            let row = added
            added += 1
            if row < half - 1 {
                update(entering, nil, count: nil, out: nil)
            } else if row < window {
                update(entering, nil, count: Float(row + 1), out: output(row - (half - 1)))
            } else {
                update(entering, leaving(row - window), count: Float(window), out: output(row - (half - 1)))
            }
        }

        mutating func finish(leaving: (Int) -> UnsafePointer<Float>, output: (Int) -> UnsafeMutablePointer<Float>) {
            for t in 0..<(half - 1) {
                let row = length - window + t
                update(nil, leaving(row), count: Float(window - 1 - t), out: output(length - (half - 1) + t))
            }
        }

        private mutating func update(
            _ add: UnsafePointer<Float>?, _ subtract: UnsafePointer<Float>?, count: Float?, out: UnsafeMutablePointer<Float>?
        ) {
            let width = self.width
            sums.withUnsafeMutableBufferPointer { sums in
                let s = sums.baseAddress!
                let vectorEnd = width - width % PDQHasher.lanes
                let divisor = Lanes(repeating: count ?? 1)
                var j = 0
                while j < vectorEnd {
                    var v = UnsafeRawPointer(s + j).loadUnaligned(as: Lanes.self)
                    if let add { v += UnsafeRawPointer(add + j).loadUnaligned(as: Lanes.self) }
                    if let subtract { v -= UnsafeRawPointer(subtract + j).loadUnaligned(as: Lanes.self) }
                    UnsafeMutableRawPointer(s + j).storeBytes(of: v, as: Lanes.self)
                    if let out { UnsafeMutableRawPointer(out + j).storeBytes(of: v / divisor, as: Lanes.self) }
                    j += PDQHasher.lanes
                }
                while j < width {
                    var v = s[j]
                    if let add { v += add[j] }
                    if let subtract { v -= subtract[j] }
                    s[j] = v
                    if let out, let count { out[j] = v / count }
                    j += 1
                }
            }
        }
    }

    // MARK: Quality, DCT, bits

    /// `pdqImageDomainQualityMetric`: truncated, scaled gradient magnitudes summed, /90, capped at 100.
    static func quality(_ b: [Float]) -> Int {
        var gradientSum = 0
        for i in 0..<63 {
            for j in 0..<64 {
                let d = Int(((b[i * 64 + j] - b[(i + 1) * 64 + j]) * 100) / 255)
                gradientSum += abs(d)
            }
        }
        for i in 0..<64 {
            for j in 0..<63 {
                let d = Int(((b[i * 64 + j] - b[i * 64 + j + 1]) * 100) / 255)
                gradientSum += abs(d)
            }
        }
        return min(gradientSum / 90, 100)
    }

    /// The reference's 16×64 DCT matrix: `float(float(sqrt(2/64)) * cos(pi/128 * (i+1) * (2j+1)))`.
    static let dctMatrix: [Float] = {
        let scale = Float((2.0 / 64.0).squareRoot())
        var m = [Float](repeating: 0, count: 16 * 64)
        for i in 0..<16 {
            for j in 0..<64 {
                let angle = (Double.pi / 2.0 / 64.0) * Double(i + 1) * Double(2 * j + 1)
                m[i * 64 + j] = Float(Double(scale) * cos(angle))
            }
        }
        return m
    }()

    /// `dct64To16`: B = D·A·Dᵀ with float accumulation over k = 0…63 in order.
    static func dct64To16(_ a: [Float]) -> [Float] {
        let d = dctMatrix
        var t = [Float](repeating: 0, count: 16 * 64)
        for i in 0..<16 {
            for j in 0..<64 {
                var sum: Float = 0
                for k in 0..<64 { sum += d[i * 64 + k] * a[k * 64 + j] }
                t[i * 64 + j] = sum
            }
        }
        var b = [Float](repeating: 0, count: 16 * 16)
        for i in 0..<16 {
            for j in 0..<16 {
                var sum: Float = 0
                for k in 0..<64 { sum += t[i * 64 + k] * d[j * 64 + k] }
                b[i * 16 + j] = sum
            }
        }
        return b
    }

    /// The DCT-domain dihedral transforms (`dct16OriginalTo*`).
    static func transform(_ a: [Float], _ variant: DihedralVariant) -> [Float] {
        var b = [Float](repeating: 0, count: 256)
        for i in 0..<16 {
            for j in 0..<16 {
                let v = a[i * 16 + j]
                switch variant {
                case .original: b[i * 16 + j] = v
                case .rotate90: b[j * 16 + i] = j & 1 == 1 ? v : -v
                case .rotate180: b[i * 16 + j] = (i + j) & 1 == 1 ? -v : v
                case .rotate270: b[j * 16 + i] = i & 1 == 1 ? v : -v
                case .flipX: b[i * 16 + j] = i & 1 == 1 ? v : -v
                case .flipY: b[i * 16 + j] = j & 1 == 1 ? v : -v
                case .flipPlus1: b[j * 16 + i] = v
                case .flipMinus1: b[j * 16 + i] = (i + j) & 1 == 1 ? -v : v
                }
            }
        }
        return b
    }

    /// The hash from a 16×16 DCT, or the reference's all-zero hash with quality 0 when there is none.
    static func result(_ dct: [Float]?, _ quality: Int) -> PDQResult {
        guard let dct else { return PDQResult(hash: .zero, quality: 0) }
        return PDQResult(hash: bits(dct), quality: quality)
    }

    /// Bit `i*16+j` is set when `B[i][j]` exceeds the median (the 128th smallest, as Torben's method gives).
    static func bits(_ b: [Float]) -> PDQHash {
        let median = b.sorted()[127]
        var hash = PDQHash.zero
        for k in 0..<256 where b[k] > median { hash.setBit(k) }
        return hash
    }
}

/// pdqhash's luma terms in double: `R*0.299`, `G*0.587` and `B*0.114` for every byte value,
/// stored as one 768-entry table (red, then green, then blue) that stays in L1 cache.
final class LumaTables: Sendable {
    static let shared = LumaTables()
    let terms: [Double]

    private init() {
        var terms: [Double] = []
        for coefficient in [0.299, 0.587, 0.114] {
            for value in 0..<256 { terms.append(Double(value) * coefficient) }
        }
        self.terms = terms
    }
}
