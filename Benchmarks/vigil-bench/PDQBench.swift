// `vigil-bench pdq [--repeat N] FILE...`: times Vigil's hashing pipeline per file, in-process,
// and prints one JSON object per file.
// Stages: decode (exact), pdq (exact, on decoded pixels), decode+PDQ in fast mode, and end to end
// through `FileHasher` (read + MD5/SHA-1/SHA-256 + decode + PDQ) in both modes; medians in ms.
import Foundation
import VigilCore
import VigilHashing
import VigilMedia

func pdqBench(_ args: [String]) {
    var arguments = args
    let repeats = takeRepeat(&arguments, default: 5)

    let decoder = ImageDecoder()
    let hasher = PDQHasher()
    let exact = FileHasher(options: HashOptions())
    let fast = FileHasher(options: HashOptions(fastShortSide: HashOptions.defaultFastShortSide))

    for path in arguments {
        guard let bytes = FileManager.default.contents(atPath: path).map(Array.init),
            let decoded = try? decoder.decode(bytes)
        else {
            print(#"{"file":"\#(path)","error":"unreadable"}"#)
            continue
        }
        var decodeTimes: [Double] = [], pdqTimes: [Double] = [], fastCoreTimes: [Double] = []
        var exactTimes: [Double] = [], fastTimes: [Double] = []
        let fastOptions = DecodeOptions(reducedShortSide: HashOptions.defaultFastShortSide)
        var exactRecord = HashRecord(path: path), fastRecord = HashRecord(path: path)
        for _ in 0..<repeats {
            decodeTimes.append(milliseconds { if let d = try? decoder.decode(bytes) { decoder.recycle(d.image) } })
            pdqTimes.append(milliseconds { _ = hasher.hash(decoded.image) })
            fastCoreTimes.append(
                milliseconds {
                    guard let reduced = try? decoder.decode(bytes, options: fastOptions) else { return }
                    _ = hasher.hash(
                        reduced.image, reducedFromWidth: reduced.sourceWidth, height: reduced.sourceHeight,
                        scale: reduced.scaleDenominator)
                })
            exactTimes.append(milliseconds { exactRecord = exact.hash(path: path) })
            fastTimes.append(milliseconds { fastRecord = fast.hash(path: path) })
        }
        let drift = exactRecord.pdq.flatMap { e in fastRecord.pdq.map { e.hash.distance(to: $0.hash) } } ?? -1
        print(
            #"{"file":"\#(path)","width":\#(decoded.sourceWidth),"height":\#(decoded.sourceHeight),"#
                + #""decode_ms":\#(median(decodeTimes)),"pdq_ms":\#(median(pdqTimes)),"#
                + #""fast_core_ms":\#(median(fastCoreTimes)),"#
                + #""exact_ms":\#(median(exactTimes)),"fast_ms":\#(median(fastTimes)),"#
                + #""fast_scale":\#(fastRecord.decodeScale ?? 1),"fast_drift_bits":\#(drift)}"#)
    }
}
