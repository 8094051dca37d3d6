import ArgumentParser
import Foundation
import VigilCore
import VigilMedia

struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Compute PDQ, MD5, SHA-1 and SHA-256 for image files (directories are recursed).",
        discussion: """
            Formats are recognised by their magic bytes, not their extension: JPEG, PNG (8/16-bit, palette, \
            grey, alpha), WebP, GIF (first frame) and BMP. PDQ is computed at full resolution, bit-exact with \
            Meta's reference (pdqhash); EXIF orientation is not applied and alpha is ignored, as in the reference.

            With --json, one object per file is written per line:
              {"path", "format", "width", "height", "md5", "sha1", "sha256",
               "pdq", "quality", "pdq_dihedral" (with --dihedral),
               "decode_scale" (with --fast), "error"}
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

    @OptionGroup var media: MediaOptions

    @Argument(help: "Files or directories to hash.")
    var paths: [String]

    func validate() throws {
        guard fastMinSide >= 64 else { throw ValidationError("--fast-min-side must be at least 64 (PDQ's grid)") }
    }

    func run() throws {
        let options = HashOptions(
            limits: media.limits, dihedral: dihedral, fastShortSide: fast ? fastMinSide : nil)
        let entries = FileWalker().expand(paths)
        let output = RecordPrinter(progress: Progress.onTerminal(total: entries.count))
        let json = self.json
        HashBatch(options: options, jobs: media.jobs).run(entries) { _, record in output.print(record, json: json) }
        output.finish()
        if output.failures > 0 { throw ExitCode(1) }
    }
}
