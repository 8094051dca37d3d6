import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilCore
import VigilHashing
import VigilMedia
import VigilServer
import VigilTestSupport

/// Benign test videos from the ffmpeg CLI: moving boxes over seeded noise (30 s at 10 fps) and a
/// 10-second clip cut from it at 12 s.
enum ScanVideos {
    static let ffmpeg = FFmpegCLI.path

    static let files: (long: [UInt8], clip: [UInt8])? = {
        let dir = FFmpegCLI.temporaryDirectory("vigil-scan-videos")
        let graph =
            "color=c=gray:s=32x24:r=10:d=30,noise=alls=100:allf=t+u:all_seed=5,scale=320x240:flags=bicubic[bg];"
            + "color=c=red:s=64x48:r=10:d=30[a];[bg][a]overlay=x='mod(t*106,256)':y='80+48*sin(t*1.3)'[v]"
        let x264 = FFmpegCLI.x264
        guard
            FFmpegCLI.run([
                ["-filter_complex", graph, "-map", "[v]"] + x264 + [dir + "/long.mp4"],
                ["-ss", "12", "-i", dir + "/long.mp4", "-t", "10"] + x264 + ["-crf", "30", dir + "/clip.mp4"],
            ])
        else { return nil }
        guard let long = FileManager.default.contents(atPath: dir + "/long.mp4"),
            let clip = FileManager.default.contents(atPath: dir + "/clip.mp4")
        else { return nil }
        return ([UInt8](long), [UInt8](clip))
    }()
}

@Test(
    "a video bank imported through the API; a clip scanned raw and as multipart is blocked with percentages and timestamps",
    .enabled(if: ScanVideos.ffmpeg != nil, "the ffmpeg CLI is not installed"))
func videoScan() async throws {
    let (long, clip) = try #require(ScanVideos.files)
    let server = try TestServer(maxBodyBytes: 8 << 20)
    let (full, scanOnly) = (server.full, server.scanOnly)
    try await server.run { client in
        try await client.execute(
            uri: "/v1/banks", method: .post, headers: headers(full, json: true),
            body: ByteBuffer(string: #"{"name":"videos","category":"A1"}"#)
        ) { #expect($0.status == .created) }
        // The bank video's vPDQ, as `vigil hash --vpdq-out` writes it.
        let frames = try VPDQ.hash(VideoFrames(long))
        try await client.execute(
            uri: "/v1/banks/videos/import?format=vpdq&name=long.mp4", method: .post, headers: headers(full),
            body: ByteBuffer(string: VPDQ.text(frames))
        ) { response in
            #expect(response.status == .ok)
            #expect(object(response.body)["added"] as? Int == 1)
        }
        try await client.execute(uri: "/v1/banks/videos", method: .get, headers: headers(full)) { response in
            #expect(object(response.body)["videos"] as? Int == 1)
            #expect(object(response.body)["video_frames"] as? Int == 30)
        }
        try await client.execute(uri: "/v1/scan", method: .post, headers: headers(full), body: ByteBuffer(bytes: clip)) {
            response in
            #expect(response.status == .ok)
            let result = object(response.body)
            #expect(result["verdict"] as? String == "block")
            let match = try #require((result["video_matches"] as? [[String: Any]])?.first)
            #expect(match["bank"] as? String == "videos" && match["video"] as? String == "long.mp4")
            #expect((match["query_match_percent"] as? Double ?? 0) >= 80)
            #expect(match["matched_start"] as? Double == 12 && match["matched_end"] as? Double == 21)
            #expect(match["query_start"] as? Double == 0 && match["query_end"] as? Double == 9)
            #expect((result["signals"] as? [[String: Any]])?.contains { $0["type"] as? String == "video_match" } == true)
        }
        // Multipart, with a key that may not read banks: the match without the video's name.
        var multipart = headers(scanOnly)
        multipart[.contentType] = "multipart/form-data; boundary=XyZ"
        let body =
            Array(
                "--XyZ\r\nContent-Disposition: form-data; name=\"media\"; filename=\"c.mp4\"\r\nContent-Type: video/mp4\r\n\r\n"
                    .utf8)
            + clip + Array("\r\n--XyZ--\r\n".utf8)
        try await client.execute(uri: "/v1/scan", method: .post, headers: multipart, body: ByteBuffer(bytes: body)) {
            response in
            #expect(response.status == .ok)
            let result = object(response.body)
            #expect(result["verdict"] as? String == "block")
            let match = try #require((result["video_matches"] as? [[String: Any]])?.first)
            #expect(match["video"] == nil && match["label"] == nil)
            #expect(match["matched_start"] as? Double == 12)
        }
    }
}

@Test(
    "videos over the duration or the frame limit get 422 video_limit; a truncated video another clear 4xx",
    .enabled(if: ScanVideos.ffmpeg != nil, "the ffmpeg CLI is not installed"),
    arguments: [
        VideoLimits(maxDurationSeconds: 20, maxFrames: 1000, maxDecodeSeconds: 60),
        VideoLimits(maxDurationSeconds: 600, maxFrames: 100, maxDecodeSeconds: 60),
    ])
func videoLimits(_ limits: VideoLimits) async throws {
    let (long, _) = try #require(ScanVideos.files)
    var server = try TestServer(maxBodyBytes: 8 << 20)
    server.configuration.videoLimits = limits
    let scanOnly = server.scanOnly
    try await server.run { client in
        try await client.execute(uri: "/v1/scan", method: .post, headers: headers(scanOnly), body: ByteBuffer(bytes: long)) {
            response in
            #expect(response.status == .unprocessableContent)
            #expect(errorCode(response.body) == "video_limit")
        }
        let truncated = Array(long.prefix(long.count / 3))
        try await client.execute(
            uri: "/v1/scan", method: .post, headers: headers(scanOnly), body: ByteBuffer(bytes: truncated)
        ) { response in
            #expect((400..<500).contains(response.status.code))
            #expect(errorCode(response.body) != "video_limit")
        }
    }
}
