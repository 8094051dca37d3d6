import Foundation
import Synchronization
import VigilMedia

/// One hashed video frame, as Meta's vPDQ reports it.
public struct VPDQFeature: Hashable, Sendable {
    /// The frame's index in decode order (0-based).
    public var frame: Int
    public var quality: Int
    public var pdq: PDQHash
    /// `frame / fps`, computed in float as the reference computes it.
    public var timestamp: Double

    public init(frame: Int, quality: Int, pdq: PDQHash, timestamp: Double) {
        self.frame = frame
        self.quality = quality
        self.pdq = pdq
        self.timestamp = timestamp
    }
}

/// vPDQ (facebook/ThreatExchange `vpdq`): PDQ of every `frameMod`-th decoded frame, where
/// `frameMod = Int(secondsPerHash × fps)` (0 counts as 1), at the stream's full size.
public enum VPDQ {
    /// The frame step the reference uses for a stream at `fps`.
    public static func frameMod(secondsPerHash: Double, framesPerSecond fps: Double) -> Int {
        let mod = secondsPerHash * fps
        guard mod.isFinite, mod >= 1 else { return 1 }
        return mod >= Double(Int32.max) ? Int(Int32.max) : Int(mod)
    }

    /// The reference's timestamp: `(float)frame / (float)fps`.
    public static func timestamp(frame: Int, framesPerSecond fps: Double) -> Double {
        Double(Float(frame) / Float(fps))
    }

    /// Decodes `video` and hashes its sampled frames, in frame order, on up to `workers` threads
    /// (see `VideoFrames.decodeConcurrently`).
    public static func hash(
        _ video: VideoFrames, secondsPerHash: Double = 1, workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws(MediaError) -> [VPDQFeature] {
        try hashCounting(video, secondsPerHash: secondsPerHash, workers: workers).features
    }

    /// As `hash`, also returning how many frames were decoded.
    public static func hashCounting(
        _ video: VideoFrames, secondsPerHash: Double = 1, workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws(MediaError) -> (features: [VPDQFeature], decoded: Int) {
        let fps = video.info.framesPerSecond
        // Frames arrive from several threads: each takes an idle hasher (they keep scratch buffers).
        let state = Mutex((features: [VPDQFeature](), idle: [IdleHasher]()))
        let decoded = try video.decodeConcurrently(
            every: frameMod(secondsPerHash: secondsPerHash, framesPerSecond: fps), workers: workers
        ) { index, image in
            let hasher = state.withLock { $0.idle.popLast() }?.hasher ?? PDQHasher()
            let result = hasher.hash(image)
            let feature = VPDQFeature(
                frame: index, quality: result.quality, pdq: result.hash, timestamp: timestamp(frame: index, framesPerSecond: fps))
            state.withLock {
                $0.features.append(feature)
                $0.idle.append(IdleHasher(hasher: hasher))
            }
        }
        return (state.withLock { $0.features }.sorted { $0.frame < $1.frame }, decoded)
    }

    /// A hasher no thread is using; only one thread holds it at a time, hence `@unchecked`.
    private struct IdleHasher: @unchecked Sendable { let hasher: PDQHasher }

    /// The reference's text format: one `frameNumber,quality,hash,timestamp` line per frame,
    /// the timestamp with three decimals.
    public static func text(_ features: [VPDQFeature]) -> String {
        features.map { "\($0.frame),\($0.quality),\($0.pdq.hex),\(String(format: "%.3f", $0.timestamp))\n" }.joined()
    }

    /// Parses the reference's text format; nil names the first bad line (1-based).
    public static func parse(_ text: String) -> Result<[VPDQFeature], ParseError> {
        var features: [VPDQFeature] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 4, let frame = Int(fields[0]), frame >= 0, let quality = Int(fields[1]),
                (0...100).contains(quality), let hash = PDQHash(hex: fields[2]), let time = Double(fields[3]),
                time.isFinite
            else { return .failure(ParseError(line: number + 1)) }
            features.append(VPDQFeature(frame: frame, quality: quality, pdq: hash, timestamp: time))
        }
        return .success(features)
    }

    /// A malformed line in a vPDQ text file.
    public struct ParseError: Error, Sendable, Equatable {
        public let line: Int
        public init(line: Int) { self.line = line }
    }
}
