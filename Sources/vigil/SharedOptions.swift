import ArgumentParser
import Foundation
import VigilCore
import VigilMedia
import VigilStore

/// Decoding limits and parallelism, shared by every command that reads media.
struct MediaOptions: ParsableArguments {
    @Option(help: "Refuse images with more pixels than this (decompression-bomb guard).")
    var maxPixels = MediaLimits.default.maxPixels

    @Option(help: "Refuse files larger than this many bytes.")
    var maxBytes = MediaLimits.default.maxBytes

    @Option(help: "Worker threads (default: the number of cores).")
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard maxPixels > 0, maxBytes > 0 else { throw ValidationError("--max-pixels and --max-bytes must be positive") }
        guard jobs > 0 else { throw ValidationError("--jobs must be at least 1") }
    }

    var limits: MediaLimits { MediaLimits(maxBytes: maxBytes, maxPixels: maxPixels) }
}

/// How videos are sampled and bounded, shared by `hash` and `match`.
struct VideoOptions: ParsableArguments {
    @Option(help: "vPDQ: hash one frame per this many seconds (the reference's default is 1).")
    var secondsPerHash = 1.0

    @Option(help: "Refuse videos longer than this many seconds.")
    var maxVideoSeconds = VideoLimits.default.maxDurationSeconds

    @Option(help: "Give up on a video whose decoding takes longer than this many seconds.")
    var maxDecodeSeconds = VideoLimits.default.maxDecodeSeconds

    func validate() throws {
        guard secondsPerHash >= 0, secondsPerHash.isFinite else { throw ValidationError("--seconds-per-hash must be ≥ 0") }
        guard maxVideoSeconds > 0, maxDecodeSeconds > 0 else {
            throw ValidationError("--max-video-seconds and --max-decode-seconds must be positive")
        }
    }

    var limits: VideoLimits {
        VideoLimits(maxDurationSeconds: maxVideoSeconds, maxDecodeSeconds: maxDecodeSeconds)
    }
}

/// Where Vigil keeps its database and evidence.
struct DataOptions: ParsableArguments {
    @Option(help: "Data directory (database, evidence).")
    var data = "./vigil-data"

    /// Opens the embedded store, creating the directory when `create` is set.
    func openStore(create: Bool) throws -> SQLiteBankStore {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory) {
            guard create else { throw ValidationError("no data directory at \(data) (create a bank first, or pass --data)") }
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        } else if !isDirectory.boolValue {
            throw ValidationError("\(data) is not a directory")
        }
        return try SQLiteBankStore(path: data + "/vigil.sqlite")
    }

    /// Who the audit log names for a change made from the command line.
    static var actor: String { "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "unknown")" }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
