import CFFmpeg
import Foundation

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
        guard let format, let codec, let scaler else { throw MediaError(.corrupt, "video is already closed") }
        let step = max(frameMod, 1)
        let deadline = ContinuousClock.now + .milliseconds(Int64(videoLimits.maxDecodeSeconds * 1000))
        let maxByDuration = Int(min(videoLimits.maxDurationSeconds * max(info.framesPerSecond, 1), Double(Int32.max)))
        let frameLimit = min(videoLimits.maxFrames, maxByDuration)
        guard let packet = av_packet_alloc() else { throw MediaError(.tooLarge, "out of memory allocating a packet") }
        var packetRef: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetRef) }
        guard let frame = av_frame_alloc() else { throw MediaError(.tooLarge, "out of memory allocating a frame") }
        var frameRef: UnsafeMutablePointer<AVFrame>? = frame
        defer { av_frame_free(&frameRef) }
        let width = info.width
        let height = info.height
        let sourceHeight = codec.pointee.height
        let rowBytes = width * 3
        guard let target = av_malloc(rowBytes * height)?.assumingMemoryBound(to: UInt8.self) else {
            throw MediaError(.tooLarge, "out of memory allocating a \(width)×\(height) frame")
        }
        defer { av_free(target) }
        var decoded = 0
        // In the planned path, a frame's index is its presentation rank (see `SkipPlan`).
        var rank: [Int64: Int]?

        func receiveAll() throws(MediaError) {
            while true {
                let err = avcodec_receive_frame(codec, frame)
                if err == vigil_averror_eagain() || err == vigil_averror_eof() { return }
                guard err >= 0 else { throw MediaError(.corrupt, "video stream is corrupt (a frame failed to decode)") }
                var index = decoded
                if let rank {
                    guard let r = rank[frame.pointee.pts] else {
                        throw MediaError(.corrupt, "video stream is corrupt (a frame has no known timestamp)")
                    }
                    index = r
                }
                decoded += 1
                guard decoded <= frameLimit else {
                    throw MediaError(
                        .tooLarge,
                        "video has more than \(frameLimit) frames (limits: \(videoLimits.maxFrames) frames, \(videoLimits.maxDurationSeconds) s)"
                    )
                }
                if index % step == 0 {
                    guard frame.pointee.width == codec.pointee.width, frame.pointee.height == codec.pointee.height else {
                        throw MediaError(.corrupt, "video changes its frame size mid-stream")
                    }
                    var src: [UnsafePointer<UInt8>?] = [
                        UnsafePointer(frame.pointee.data.0), UnsafePointer(frame.pointee.data.1),
                        UnsafePointer(frame.pointee.data.2), UnsafePointer(frame.pointee.data.3),
                    ]
                    var srcStride: [Int32] = [
                        frame.pointee.linesize.0, frame.pointee.linesize.1, frame.pointee.linesize.2,
                        frame.pointee.linesize.3,
                    ]
                    var dst: [UnsafeMutablePointer<UInt8>?] = [target, nil, nil, nil]
                    var dstStride: [Int32] = [Int32(rowBytes), 0, 0, 0]
                    sws_scale(scaler, &src, &srcStride, 0, sourceHeight, &dst, &dstStride)
                    let pixels = [UInt8](UnsafeBufferPointer(start: target, count: rowBytes * height))
                    body(index, RGBImage(width: width, height: height, pixels: pixels))
                }
                av_frame_unref(frame)
            }
        }

        func send(_ packet: UnsafeMutablePointer<AVPacket>) throws(MediaError) {
            guard ContinuousClock.now < deadline else {
                throw MediaError(.tooLarge, "video took longer than \(videoLimits.maxDecodeSeconds) s to decode")
            }
            guard avcodec_send_packet(codec, packet) >= 0 else {
                throw MediaError(.corrupt, "video stream is corrupt (the decoder rejected a packet)")
            }
            try receiveAll()
        }

        if skipUnsampledFrames, streamIndex == 0, let lengthSize = SkipPlan.avcLengthSize(codec) {
            var plan = try SkipPlan.read(format, stream: streamIndex, limit: frameLimit, deadline: deadline)
            defer { plan.release() }
            rank = plan.rank(step: step, lengthSize: lengthSize)
            for (i, packet) in plan.packets.enumerated() where !plan.skip[i] { try send(packet) }
            // Stream 0: drained at the end, as below.
            if avcodec_send_packet(codec, nil) >= 0 { try receiveAll() }
            guard decoded > 0 else { throw MediaError(.empty, "video has no decodable frames") }
            return rank == nil ? decoded : plan.packets.count
        }

        while av_read_frame(format, packet) == 0 {
            defer { av_packet_unref(packet) }
            guard Int(packet.pointee.stream_index) == streamIndex else { continue }
            try send(packet)
        }
        if streamIndex == 0 {
            // The reference re-sends its emptied packet, which drains the decoder only when
            // the video is stream 0; matching that keeps the same set of frames.
            if avcodec_send_packet(codec, nil) >= 0 { try receiveAll() }
        }
        guard decoded > 0 else { throw MediaError(.empty, "video has no decodable frames") }
        return decoded
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
            guard let data = packet.pointee.data else { return false }
            let size = Int(packet.pointee.size)
            var offset = 0
            var slices = 0
            while offset < size {
                guard offset + lengthSize < size else { return false }
                var length = 0
                for k in 0..<lengthSize { length = length << 8 | Int(data[offset + k]) }
                offset += lengthSize
                guard length > 0, length <= size - offset else { return false }
                let header = data[offset]
                let type = header & 0x1F
                switch type {
                case 1:
                    guard header & 0x60 == 0 else { return false }
                    slices += 1
                case 6, 9, 12: break
                default: return false
                }
                offset += length
            }
            return slices > 0
        }

        mutating func release() {
            for i in packets.indices {
                var p: UnsafeMutablePointer<AVPacket>? = packets[i]
                av_packet_free(&p)
            }
            packets = []
        }
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
