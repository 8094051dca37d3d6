import ArgumentParser
import Foundation
import Synchronization
import VigilCore
import VigilHashing
import VigilMedia

struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Compute PDQ (vPDQ for videos), MD5, SHA-1 and SHA-256 for files (directories are recursed).",
        discussion: """
            Formats are recognised by their magic bytes, not their extension: JPEG, PNG (8/16-bit, palette, \
            grey, alpha), WebP, GIF (first frame) and BMP. PDQ is computed at full resolution, bit-exact with \
            Meta's reference (pdqhash); EXIF orientation is not applied and alpha is ignored, as in the reference.

            Videos (MP4/MOV, WebM/MKV, AVI; animated GIF too) are decoded through FFmpeg and get vPDQ as Meta's \
            vpdq computes it: PDQ of every frame whose index is a multiple of int(fps × --seconds-per-hash), \
            converted to RGB with swscale's SWS_AREA. --vpdq-out FILE writes the reference's text format \
            (frameNumber,quality,hash,timestamp per line) for a single video.

            With --json, one object per file is written per line:
              {"path", "format", "width", "height", "md5", "sha1", "sha256",
               "pdq", "quality", "pdq_dihedral" (with --dihedral),
               "decode_scale" (with --fast),
               "vpdq": [{"frame", "quality", "pdq", "timestamp"}] (videos),
               "error"}
            A file that fails gets "error": "<reason>" and null hashes it could not compute; the others are \
            still processed. The exit status is 1 if any file failed.
            """
    )

    @Flag(help: "Write one JSON object per file per line.")
    var json = false

    @Flag(help: "Also output the eight dihedral PDQ hashes (original, rot90, rot180, rot270, flipx, flipy, flip+1, flip-1).")
    var dihedral = false

    @Flag(
        help:
            "Fast mode: decode JPEGs DCT-scaled (1/2, 1/4 or 1/8) while the shorter side stays ≥ --fast-min-side. Hashes drift a few bits from exact mode (see BENCHMARKS.md)."
    )
    var fast = false

    @Option(help: "With --fast: the shortest side a DCT-scaled decode may have, in pixels.")
    var fastMinSide = HashOptions.defaultFastShortSide

    @Option(help: "Write the video's vPDQ in the reference's text format to this file (one video argument).")
    var vpdqOut: String?

    @OptionGroup var media: MediaOptions
    @OptionGroup var video: VideoOptions

    @Argument(help: "Files or directories to hash.")
    var paths: [String]

    func validate() throws {
        guard fastMinSide >= 64 else { throw ValidationError("--fast-min-side must be at least 64 (PDQ's grid)") }
        if vpdqOut != nil {
            var isDirectory: ObjCBool = false
            guard paths.count == 1,
                !(FileManager.default.fileExists(atPath: paths[0], isDirectory: &isDirectory) && isDirectory.boolValue)
            else { throw ValidationError("--vpdq-out takes exactly one video file argument") }
        }
    }

    func run() throws {
        let options = HashOptions(
            limits: media.limits, dihedral: dihedral, fastShortSide: fast ? fastMinSide : nil,
            videoLimits: video.limits, secondsPerHash: video.secondsPerHash)
        let entries = FileWalker().expand(paths)
        let output = RecordPrinter(progress: Progress.onTerminal(total: entries.count))
        let json = self.json
        let vpdqOut = self.vpdqOut
        let wroteVPDQ = Mutex(vpdqOut == nil)
        HashBatch(options: options, jobs: media.jobs).run(entries) { _, record in
            output.print(record, json: json)
            if let vpdqOut, let frames = record.vpdq {
                let written = FileManager.default.createFile(atPath: vpdqOut, contents: Data(VPDQ.text(frames).utf8))
                wroteVPDQ.withLock { $0 = written }
            }
        }
        output.finish()
        if !wroteVPDQ.withLock({ $0 }), let vpdqOut {
            printError("vigil: no vPDQ written to \(vpdqOut) (the input is not a decodable video, or the file cannot be written)")
            throw ExitCode(1)
        }
        if output.failures > 0 { throw ExitCode(1) }
    }
}
