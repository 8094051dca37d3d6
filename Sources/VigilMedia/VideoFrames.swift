import CFFmpeg
import Foundation
import Synchronization

/// Limits on a video, checked before and during decoding (pixel and byte limits come from `MediaLimits`).
public struct VideoLimits: Sendable, Equatable {
    /// The longest video accepted, in seconds (declared duration, and decoded frames ÷ frame rate).
    public var maxDurationSeconds: Double
    /// The most frames decoded.
    public var maxFrames: Int
    /// The wall-clock time one video may take to decode, in seconds.
    public var maxDecodeSeconds: Double

    public init(maxDurationSeconds: Double = 4 * 3600, maxFrames: Int = 1_000_000, maxDecodeSeconds: Double = 600) {
        self.maxDurationSeconds = maxDurationSeconds
        self.maxFrames = maxFrames
        self.maxDecodeSeconds = maxDecodeSeconds
    }

    public static let `default` = VideoLimits()
}

/// What the container declares about its first video stream.
public struct VideoInfo: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `avg_frame_rate`, or `r_frame_rate` when that is unset.
    public let framesPerSecond: Double
    /// The container's duration, when it declares one.
    public let durationSeconds: Double?
}

/// A video opened through FFmpeg (libavformat + libavcodec), decoded frame by frame and
/// converted to RGB24 with swscale's SWS_AREA, as Meta's vPDQ reference does. Reads from
/// memory; holds FFmpeg state, so it is not `Sendable`: one instance per video and thread.
public final class VideoFrames {
    public let info: VideoInfo
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let memory: UnsafeMutablePointer<vigil_av_memory>
    private var io: UnsafeMutablePointer<AVIOContext>?
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var scaler: OpaquePointer?
    private let streamIndex: Int
    private let videoLimits: VideoLimits
    /// Leave unsampled non-reference H.264 frames undecoded (`SkipPlan`); the sampled frames
    /// and their indices are the same either way.
    public var skipUnsampledFrames = true
    /// How many independently decoded runs the last decode used (1: one decoder throughout).
    public private(set) var concurrentRuns = 1

    /// Opens `data` (any container FFmpeg demuxes) and prepares its first video stream's decoder.
    public init(_ data: [UInt8], limits: MediaLimits = .default, videoLimits: VideoLimits = .default)
        throws(MediaError)
    {
        Self.quietLogs
        guard !data.isEmpty else { throw MediaError(.empty, "file is empty") }
        try limits.checkByteCount(data.count)
        self.videoLimits = videoLimits
        bytes = .allocate(capacity: data.count)
        _ = bytes.initialize(from: data)
        memory = .allocate(capacity: 1)
        memory.initialize(to: vigil_av_memory(data: UnsafePointer(bytes.baseAddress), size: Int64(data.count), pos: 0))
        // Until every stored property is set, failures clean up by hand.
        var state = OpenState()
        do throws(MediaError) {
            state = try Self.open(memory: memory, limits: limits, videoLimits: videoLimits)
        } catch {
            state.release()
            bytes.deallocate()
            memory.deallocate()
            throw error
        }
        io = state.io
        format = state.format
        codec = state.codec
        scaler = state.scaler
        streamIndex = state.streamIndex
        info = state.info!
    }

    deinit {
        var state = OpenState(io: io, format: format, codec: codec, scaler: scaler)
        state.release()
        bytes.deallocate()
        memory.deallocate()
    }

    /// Decodes every frame in order and hands `body` those whose index (0-based, in decode
    /// order) is a multiple of `frameMod`, as RGB24 at the stream's size. Like the reference,
    /// the decoder is drained at the end only when the video stream is the file's stream 0.
    /// Returns the number of frames decoded.
    @discardableResult
    public func decode(every frameMod: Int, _ body: (_ index: Int, _ image: RGBImage) -> Void) throws(MediaError) -> Int {
        try decode(every: frameMod, workers: 1, body)
    }

    /// As `decode(every:_:)`, with the work spread over up to `workers` threads where the stream
    /// allows it: a planned H.264 stream (see `SkipPlan`) is cut before its IDR frames — no frame
    /// after an IDR refers to one before it, and every frame before it is output before it — and
    /// the pieces are decoded concurrently, each by a single-threaded decoder of its own, with the
    /// same pixels. `body` then runs on those threads, concurrently, frames in no particular order.
    @discardableResult
    public func decodeConcurrently(
        every frameMod: Int, workers: Int, _ body: @Sendable (_ index: Int, _ image: RGBImage) -> Void
    ) throws(MediaError) -> Int {
        try decode(every: frameMod, workers: workers, body)
    }

    private func decode(every frameMod: Int, workers: Int, _ body: (Int, RGBImage) -> Void) throws(MediaError) -> Int {
        guard let format, let codec, let scaler else { throw MediaError(.corrupt, "video is already closed") }
        let step = max(frameMod, 1)
        let deadline = ContinuousClock.now + .milliseconds(Int64(videoLimits.maxDecodeSeconds * 1000))
        let maxByDuration = Int(min(videoLimits.maxDurationSeconds * max(info.framesPerSecond, 1), Double(Int32.max)))
        let frameLimit = min(videoLimits.maxFrames, maxByDuration)
        concurrentRuns = 1
        let converter = try RGBConverter(scaler: scaler, width: info.width, height: info.height, owned: false)
        guard let frame = av_frame_alloc() else { throw MediaError(.tooLarge, "out of memory allocating a frame") }
        var frameRef: UnsafeMutablePointer<AVFrame>? = frame
        defer { av_frame_free(&frameRef) }
        var decoded = 0
        let over = MediaError(
            .tooLarge,
            "video has more than \(frameLimit) frames (limits: \(videoLimits.maxFrames) frames, \(videoLimits.maxDurationSeconds) s)"
        )

        // In the planned path, a frame's index is its presentation rank; else its output count.
        var rank: [Int64: Int]?
        func handle(_ frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
            let index = try Self.index(of: frame, rank: rank, decoded: decoded)
            decoded += 1
            guard decoded <= frameLimit else { throw over }
            if index % step == 0 { body(index, try converter.convert(frame, codec: codec)) }
        }

        if skipUnsampledFrames, streamIndex == 0, let lengthSize = SkipPlan.avcLengthSize(codec) {
            var plan = try SkipPlan.read(format, stream: streamIndex, limit: frameLimit, deadline: deadline)
            defer { plan.release() }
            rank = plan.rank(step: step, lengthSize: lengthSize)
            if let rank, workers > 1, let pieces = plan.pieces(lengthSize: lengthSize, atMost: workers * 4), pieces.count > 1 {
                let parameters = format.pointee.streams[streamIndex]!.pointee.codecpar!
                concurrentRuns = pieces.count
                try decodePieces(
                    pieces, of: plan, rank: rank, step: step, parameters: parameters, workers: workers, deadline: deadline, body)
                return plan.packets.count
            }
            // Stream 0: drained at the end (nil), as below.
            for packet in plan.sent(plan.packets.indices) + [nil] {
                try Self.send(packet, to: codec, frame: frame, deadline: deadline, limits: videoLimits, handle)
            }
            guard decoded > 0 else { throw MediaError(.empty, "video has no decodable frames") }
            return rank == nil ? decoded : plan.packets.count
        }

        guard let packet = av_packet_alloc() else { throw MediaError(.tooLarge, "out of memory allocating a packet") }
        var packetRef: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetRef) }
        while av_read_frame(format, packet) == 0 {
            defer { av_packet_unref(packet) }
            guard Int(packet.pointee.stream_index) == streamIndex else { continue }
            try Self.send(packet, to: codec, frame: frame, deadline: deadline, limits: videoLimits, handle)
        }
        if streamIndex == 0 {
            // The reference re-sends its emptied packet, which drains the decoder only when
            // the video is stream 0; matching that keeps the same set of frames.
            try Self.send(nil, to: codec, frame: frame, deadline: deadline, limits: videoLimits, handle)
        }
        guard decoded > 0 else { throw MediaError(.empty, "video has no decodable frames") }
        return decoded
    }

    /// A frame's index: its presentation rank when planned, else its place in output order.
    private static func index(
        of frame: UnsafeMutablePointer<AVFrame>, rank: [Int64: Int]?, decoded: Int
    ) throws(MediaError) -> Int {
        guard let rank else { return decoded }
        guard let r = rank[frame.pointee.pts] else {
            throw MediaError(.corrupt, "video stream is corrupt (a frame has no known timestamp)")
        }
        return r
    }

    /// Sends `packet` (nil: drain) after checking the deadline, then hands `handle` every frame
    /// the decoder has ready. A drain the decoder refuses (already drained) is not an error.
    private static func send(
        _ packet: UnsafeMutablePointer<AVPacket>?, to codec: UnsafeMutablePointer<AVCodecContext>,
        frame: UnsafeMutablePointer<AVFrame>, deadline: ContinuousClock.Instant, limits: VideoLimits,
        _ handle: (UnsafeMutablePointer<AVFrame>) throws(MediaError) -> Void
    ) throws(MediaError) {
        if let packet {
            guard ContinuousClock.now < deadline else {
                throw MediaError(.tooLarge, "video took longer than \(limits.maxDecodeSeconds) s to decode")
            }
            guard avcodec_send_packet(codec, packet) >= 0 else {
                throw MediaError(.corrupt, "video stream is corrupt (the decoder rejected a packet)")
            }
        } else if avcodec_send_packet(codec, nil) < 0 {
            return
        }
        while true {
            let err = avcodec_receive_frame(codec, frame)
            if err == vigil_averror_eagain() || err == vigil_averror_eof() { return }
            guard err >= 0 else { throw MediaError(.corrupt, "video stream is corrupt (a frame failed to decode)") }
            defer { av_frame_unref(frame) }
            try handle(frame)
        }
    }

    /// Decodes `pieces` of the planned packets concurrently, each with a decoder and scaler of
    /// its own, and drained at its end.
    private func decodePieces(
        _ pieces: [Range<Int>], of plan: SkipPlan, rank: [Int64: Int], step: Int,
        parameters: UnsafeMutablePointer<AVCodecParameters>, workers: Int, deadline: ContinuousClock.Instant,
        _ body: (Int, RGBImage) -> Void
    ) throws(MediaError) {
        let (width, height, limits) = (info.width, info.height, videoLimits)
        let next = Mutex(0)
        let failure = Mutex<MediaError?>(nil)
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedBox((plan: plan, parameters: parameters, body: body))
            DispatchQueue.concurrentPerform(iterations: min(workers, pieces.count)) { _ in
                do throws(MediaError) {
                    let (plan, parameters, body) = shared.value
                    let decoder = try PieceDecoder(parameters: parameters, width: width, height: height)
                    while failure.withLock({ $0 == nil }) {
                        let p = next.withLock { n in
                            defer { n += 1 }
                            return n
                        }
                        guard p < pieces.count else { return }
                        func handle(_ frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
                            let index = try Self.index(of: frame, rank: rank, decoded: 0)
                            if index % step == 0 { body(index, try decoder.converter.convert(frame, codec: decoder.codec)) }
                        }
                        // Each run ends with a drain (nil); the decoder is then reset for the next run.
                        for packet in plan.sent(pieces[p]) + [nil] {
                            try Self.send(
                                packet, to: decoder.codec, frame: decoder.frame, deadline: deadline, limits: limits, handle)
                        }
                        avcodec_flush_buffers(decoder.codec)
                    }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Skipping work the reference does: for H.264 (length-prefixed NAL units) in stream 0,
    /// which is drained, every packet yields one frame and frames come out in presentation
    /// order, so frame index = the packet's rank by timestamp. A packet whose slices are all
    /// non-reference (nal_ref_idc 0, no parameter sets) that is not sampled is never sent: no
    /// other frame depends on it. The sampled frames and their indices stay the reference's.
    /// Packets are demuxed first (at most `limit`); with missing or repeated timestamps every
    /// packet is decoded and frames are counted as they come.
    struct SkipPlan {
        var packets: [UnsafeMutablePointer<AVPacket>] = []
        var skip: [Bool] = []

        static func avcLengthSize(_ codec: UnsafeMutablePointer<AVCodecContext>) -> Int? {
            guard codec.pointee.codec_id == AV_CODEC_ID_H264, let extra = codec.pointee.extradata,
                codec.pointee.extradata_size >= 7, extra[0] == 1
            else { return nil }
            return Int(extra[4] & 3) + 1
        }

        static func read(
            _ format: UnsafeMutablePointer<AVFormatContext>, stream: Int, limit: Int, deadline: ContinuousClock.Instant
        ) throws(MediaError) -> SkipPlan {
            var plan = SkipPlan()
            do throws(MediaError) {
                while true {
                    guard let packet = av_packet_alloc() else { throw MediaError(.tooLarge, "out of memory allocating a packet") }
                    guard av_read_frame(format, packet) == 0 else {
                        var p: UnsafeMutablePointer<AVPacket>? = packet
                        av_packet_free(&p)
                        break
                    }
                    guard Int(packet.pointee.stream_index) == stream else {
                        var p: UnsafeMutablePointer<AVPacket>? = packet
                        av_packet_free(&p)
                        continue
                    }
                    plan.packets.append(packet)
                    guard plan.packets.count <= limit else {
                        throw MediaError(.tooLarge, "video has more than \(limit) frames")
                    }
                    guard ContinuousClock.now < deadline else { throw MediaError(.tooLarge, "video took too long to read") }
                }
            } catch {
                plan.release()
                throw error
            }
            plan.skip = Array(repeating: false, count: plan.packets.count)
            return plan
        }

        /// Marks the packets to skip and returns each timestamp's frame index, or nil (nothing
        /// skipped) when timestamps are missing or repeated.
        mutating func rank(step: Int, lengthSize: Int) -> [Int64: Int]? {
            let stamps = packets.map { $0.pointee.pts }
            guard !stamps.contains(vigil_av_nopts_value()) else { return nil }
            var rank: [Int64: Int] = [:]
            rank.reserveCapacity(stamps.count)
            for (i, pts) in stamps.sorted().enumerated() {
                guard rank.updateValue(i, forKey: pts) == nil else { return nil }
            }
            for (i, packet) in packets.enumerated() where rank[stamps[i]]! % step != 0 {
                skip[i] = Self.disposable(packet, lengthSize: lengthSize)
            }
            return rank
        }

        /// Whether every NAL unit is a non-IDR slice (or SEI, AUD, filler) with nal_ref_idc 0.
        static func disposable(_ packet: UnsafeMutablePointer<AVPacket>, lengthSize: Int) -> Bool {
            var slices = 0
            let wellFormed = forEachNAL(packet, lengthSize: lengthSize) { header in
                switch header & 0x1F {
                case 1:
                    guard header & 0x60 == 0 else { return false }
                    slices += 1
                    return true
                case 6, 9, 12: return true
                default: return false
                }
            }
            return wellFormed && slices > 0
        }

        /// Calls `body` with each NAL unit's header byte while it returns true; false when it
        /// returned false or the packet is not well-formed length-prefixed NAL units.
        static func forEachNAL(
            _ packet: UnsafeMutablePointer<AVPacket>, lengthSize: Int, _ body: (UInt8) -> Bool
        ) -> Bool {
            guard let data = packet.pointee.data else { return false }
            let size = Int(packet.pointee.size)
            var offset = 0
            while offset < size {
                guard offset + lengthSize < size else { return false }
                var length = 0
                for k in 0..<lengthSize { length = length << 8 | Int(data[offset + k]) }
                offset += lengthSize
                guard length > 0, length <= size - offset, body(data[offset]) else { return false }
                offset += length
            }
            return true
        }

        /// Independent runs of packets, in decode order, for concurrent decoding: cut before
        /// every packet holding an IDR slice, merged into at most `limit` runs of similar work.
        /// Nil when there is no cut, or a parameter set (SPS/PPS) sits in a packet without an
        /// IDR slice (a later run might need it; avcC's sets reach every decoder).
        func pieces(lengthSize: Int, atMost limit: Int) -> [Range<Int>]? {
            var cuts: [Int] = [0]
            for (i, packet) in packets.enumerated() {
                var idr = false, parameters = false
                guard
                    Self.forEachNAL(
                        packet, lengthSize: lengthSize,
                        { header in
                            switch header & 0x1F {
                            case 5: idr = true
                            case 7, 8: parameters = true
                            default: break
                            }
                            return true
                        })
                else { return nil }
                if parameters && !idr { return nil }
                if idr && i > 0 { cuts.append(i) }
            }
            guard cuts.count > 1, limit > 1 else { return nil }
            cuts.append(packets.count)
            // Work = packets sent to the decoder; runs are closed once they reach total / limit.
            let work = skip.lazy.filter { !$0 }.count
            let target = max(1, work / limit)
            var pieces: [Range<Int>] = [], start = 0, load = 0
            for k in 1..<cuts.count {
                load += (cuts[k - 1]..<cuts[k]).lazy.filter { !skip[$0] }.count
                if load >= target || k == cuts.count - 1 {
                    pieces.append(start..<cuts[k])
                    start = cuts[k]
                    load = 0
                }
            }
            return pieces
        }

        /// The packets of `range` that are decoded (not skipped), in order.
        func sent(_ range: Range<Int>) -> [UnsafeMutablePointer<AVPacket>?] {
            range.filter { !skip[$0] }.map { packets[$0] }
        }

        mutating func release() {
            for i in packets.indices {
                var p: UnsafeMutablePointer<AVPacket>? = packets[i]
                av_packet_free(&p)
            }
            packets = []
        }
    }

    /// Converts decoded frames to RGB24 at the stream's size through a swscale context; one
    /// per thread (a scaler is not thread-safe).
    private final class RGBConverter {
        let scaler: OpaquePointer
        let owned: Bool
        let width: Int, height: Int
        let target: UnsafeMutablePointer<UInt8>

        init(scaler: OpaquePointer, width: Int, height: Int, owned: Bool) throws(MediaError) {
            guard let target = av_malloc(width * 3 * height)?.assumingMemoryBound(to: UInt8.self) else {
                if owned { sws_freeContext(scaler) }
                throw MediaError(.tooLarge, "out of memory allocating a \(width)×\(height) frame")
            }
            (self.scaler, self.owned, self.width, self.height, self.target) = (scaler, owned, width, height, target)
        }

        deinit {
            av_free(target)
            if owned { sws_freeContext(scaler) }
        }

        func convert(
            _ frame: UnsafeMutablePointer<AVFrame>, codec: UnsafeMutablePointer<AVCodecContext>
        ) throws(MediaError) -> RGBImage {
            guard frame.pointee.width == codec.pointee.width, frame.pointee.height == codec.pointee.height else {
                throw MediaError(.corrupt, "video changes its frame size mid-stream")
            }
            var src: [UnsafePointer<UInt8>?] = [
                UnsafePointer(frame.pointee.data.0), UnsafePointer(frame.pointee.data.1),
                UnsafePointer(frame.pointee.data.2), UnsafePointer(frame.pointee.data.3),
            ]
            var srcStride: [Int32] = [
                frame.pointee.linesize.0, frame.pointee.linesize.1, frame.pointee.linesize.2, frame.pointee.linesize.3,
            ]
            let rowBytes = width * 3
            var dst: [UnsafeMutablePointer<UInt8>?] = [target, nil, nil, nil]
            var dstStride: [Int32] = [Int32(rowBytes), 0, 0, 0]
            sws_scale(scaler, &src, &srcStride, 0, codec.pointee.height, &dst, &dstStride)
            return RGBImage(
                width: width, height: height, pixels: [UInt8](UnsafeBufferPointer(start: target, count: rowBytes * height)))
        }
    }

    /// A single-threaded decoder, frame and converter for one thread of `decodePieces`.
    private final class PieceDecoder {
        let codec: UnsafeMutablePointer<AVCodecContext>
        let frame: UnsafeMutablePointer<AVFrame>
        let converter: RGBConverter

        init(parameters: UnsafeMutablePointer<AVCodecParameters>, width: Int, height: Int) throws(MediaError) {
            guard let decoder = avcodec_find_decoder(parameters.pointee.codec_id), let codec = avcodec_alloc_context3(decoder)
            else { throw MediaError(.tooLarge, "out of memory opening the video decoder") }
            var context: UnsafeMutablePointer<AVCodecContext>? = codec
            var frame = av_frame_alloc()
            var scaler: OpaquePointer?
            do throws(MediaError) {
                guard avcodec_parameters_to_context(codec, parameters) >= 0, frame != nil else {
                    throw MediaError(.corrupt, "video decoder cannot be opened for this stream")
                }
                codec.pointee.thread_count = 1
                guard avcodec_open2(codec, decoder, nil) >= 0 else {
                    throw MediaError(.corrupt, "video decoder cannot be opened for this stream")
                }
                scaler = sws_getContext(
                    codec.pointee.width, codec.pointee.height, codec.pointee.pix_fmt, Int32(width), Int32(height),
                    AV_PIX_FMT_RGB24, vigil_sws_area(), nil, nil, nil)
                guard let scaler else { throw MediaError(.unsupportedFormat, "video pixel format cannot be converted to RGB") }
                converter = try RGBConverter(scaler: scaler, width: width, height: height, owned: true)
            } catch {
                av_frame_free(&frame)
                avcodec_free_context(&context)
                throw error
            }
            self.codec = codec
            self.frame = frame!
        }

        deinit {
            var f: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&f)
            var c: UnsafeMutablePointer<AVCodecContext>? = codec
            avcodec_free_context(&c)
        }
    }

    /// Hands non-Sendable FFmpeg state to `decodePieces`' threads, which only read it (packets,
    /// skip marks, codec parameters) or call a body the caller declared `@Sendable`.
    private struct UncheckedBox<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private struct OpenState {
        var io: UnsafeMutablePointer<AVIOContext>?
        var format: UnsafeMutablePointer<AVFormatContext>?
        var codec: UnsafeMutablePointer<AVCodecContext>?
        var scaler: OpaquePointer?
        var streamIndex = -1
        var info: VideoInfo?

        mutating func release() {
            if let scaler { sws_freeContext(scaler) }
            scaler = nil
            avcodec_free_context(&codec)
            avformat_close_input(&format)
            vigil_avio_close_memory(io)
            io = nil
        }
    }

    private static func open(
        memory: UnsafeMutablePointer<vigil_av_memory>, limits: MediaLimits, videoLimits: VideoLimits
    ) throws(MediaError) -> OpenState {
        var state = OpenState()
        do throws(MediaError) {
            guard let io = vigil_avio_open_memory(memory), let context = avformat_alloc_context() else {
                throw MediaError(.tooLarge, "out of memory opening the video")
            }
            state.io = io
            context.pointee.pb = io
            context.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
            var opened: UnsafeMutablePointer<AVFormatContext>? = context
            guard avformat_open_input(&opened, nil, nil, nil) == 0, let opened else {
                throw MediaError(.unknownFormat, "not a video container FFmpeg can open")
            }
            state.format = opened
            guard avformat_find_stream_info(opened, nil) >= 0 else {
                throw MediaError(.corrupt, "video stream information cannot be read (corrupt or truncated file)")
            }
            let streamCount = Int(opened.pointee.nb_streams)
            guard
                let index = (0..<streamCount).first(where: {
                    opened.pointee.streams[$0]!.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
                })
            else { throw MediaError(.unsupportedFormat, "file has no video track") }
            state.streamIndex = index
            let stream = opened.pointee.streams[index]!
            let parameters = stream.pointee.codecpar!
            let width = Int(parameters.pointee.width)
            let height = Int(parameters.pointee.height)
            try limits.checkDimensions(width: width, height: height, format: .mp4)
            guard width >= 5, height >= 5 else {
                throw MediaError(.corrupt, "video frames are \(width)×\(height), too small to hash")
            }
            var rate = stream.pointee.avg_frame_rate
            if rate.num == 0 || rate.den == 0 { rate = stream.pointee.r_frame_rate }
            let fps = rate.den == 0 ? 0 : Double(rate.num) / Double(rate.den)
            guard fps > 0, fps.isFinite else { throw MediaError(.corrupt, "video declares no frame rate") }
            var duration: Double?
            if opened.pointee.duration != vigil_av_nopts_value(), opened.pointee.duration > 0 {
                duration = Double(opened.pointee.duration) / Double(vigil_av_time_base())
            }
            if let duration, duration > videoLimits.maxDurationSeconds {
                throw MediaError(
                    .tooLarge,
                    "video is \(Int(duration)) s long, over the limit of \(Int(videoLimits.maxDurationSeconds)) s")
            }
            guard let decoder = avcodec_find_decoder(parameters.pointee.codec_id) else {
                throw MediaError(.unsupportedFormat, "video codec is not supported by this FFmpeg build")
            }
            guard let codec = avcodec_alloc_context3(decoder) else {
                throw MediaError(.tooLarge, "out of memory opening the video decoder")
            }
            state.codec = codec
            guard avcodec_parameters_to_context(codec, parameters) >= 0 else {
                throw MediaError(.corrupt, "video codec parameters are invalid")
            }
            // The reference uses slice threads where the codec has them, else one thread. Frame
            // threads (most H.264 has one slice per frame, so only they use both cores) delay
            // frames, which changes which ones an undrained decoder returns: they are used only
            // for stream 0, which is drained at the end, so the same frames come out.
            if index == 0, vigil_codec_has_frame_threads(decoder) != 0 {
                codec.pointee.thread_count = 0
                codec.pointee.thread_type = vigil_ff_thread_frame() | vigil_ff_thread_slice()
            } else if vigil_codec_has_slice_threads(decoder) != 0 {
                codec.pointee.thread_count = 0
                codec.pointee.thread_type = vigil_ff_thread_slice()
            } else {
                codec.pointee.thread_count = 1
            }
            guard avcodec_open2(codec, decoder, nil) >= 0 else {
                throw MediaError(.corrupt, "video decoder cannot be opened for this stream")
            }
            guard
                let scaler = sws_getContext(
                    codec.pointee.width, codec.pointee.height, codec.pointee.pix_fmt, Int32(width), Int32(height),
                    AV_PIX_FMT_RGB24, vigil_sws_area(), nil, nil, nil)
            else { throw MediaError(.unsupportedFormat, "video pixel format cannot be converted to RGB") }
            state.scaler = scaler
            state.info = VideoInfo(width: width, height: height, framesPerSecond: fps, durationSeconds: duration)
            return state
        } catch {
            state.release()
            throw error
        }
    }

    /// FFmpeg logs to stderr by default and may print stream details: silence it once.
    private static let quietLogs: Void = av_log_set_level(AV_LOG_QUIET)
}
