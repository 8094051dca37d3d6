import Foundation

/// Benign test videos from the ffmpeg CLI (Debian's `ffmpeg` package), shared by the test targets.
public enum FFmpegCLI {
    /// The ffmpeg executable, if installed.
    public static let path = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// H.264 as ordinary footage is encoded (yuv420p, x264 `veryfast`).
    public static let x264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast"]

    /// Runs ffmpeg once per argument list, in order, quietly and overwriting outputs; false when
    /// ffmpeg is missing or a run fails.
    public static func run(_ runs: [[String]]) -> Bool {
        guard let path else { return false }
        for args in runs {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["-nostdin", "-loglevel", "error", "-y"] + args
            guard (try? process.run()) != nil else { return false }
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return false }
        }
        return true
    }

    /// A fresh temporary directory for generated videos.
    public static func temporaryDirectory(_ prefix: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Input arguments for a red and a blue box moving over seeded noise (coarse blobs PDQ keeps,
    /// fine static grain).
    public static func shapes(size: (Int, Int), rate: Int, seconds: Int, seed: Int) -> [String] {
        let (w, h) = size
        let graph =
            "color=c=gray:s=\(w / 10)x\(h / 10):r=\(rate):d=\(seconds),noise=alls=100:allf=t+u:all_seed=\(seed),"
            + "scale=\(w)x\(h):flags=bicubic,noise=alls=20:allf=u:all_seed=\(seed + 1)[bg];"
            + "color=c=red:s=\(w / 5)x\(h / 5):r=\(rate):d=\(seconds)[a];"
            + "color=c=blue:s=\(w / 8)x\(h / 3):r=\(rate):d=\(seconds)[b];"
            + "[bg][a]overlay=x='mod(t*\(w / 3),\(w - w / 5))':y='\(h / 3)+\(h / 5)*sin(t*1.3)'[c];"
            + "[c][b]overlay=x='\(w / 2)+\(w / 3)*cos(t*0.7)':y='mod(t*\(h / 4),\(h - h / 3))'[v]"
        return ["-filter_complex", graph, "-map", "[v]"]
    }
}
