// `vigil-bench watermark [--repeat N] FILE...`: times Vigil's invisible-watermark decoding per file,
// in-process, and prints one JSON object per file (medians in ms).
// Stages: image decode; dwtDct and dwtDctSvd decoding from pixels (votes + 136-bit aggregation, what
// the reference's WatermarkDecoder.decode does); the full known-payload analysis (both channel orders,
// plus raw bits); and end to end through FileWatermarkReader (read + decode + analysis).
import Foundation
import VigilCore
import VigilMedia
import VigilWatermark

func watermarkBench(_ args: [String]) {
    var arguments = args
    let repeats = takeRepeat(&arguments, default: 7)
    let decoder = ImageDecoder()
    let reader = FileWatermarkReader(options: WatermarkOptions())
    for path in arguments {
        guard let bytes = FileManager.default.contents(atPath: path).map(Array.init),
            let decoded = try? decoder.decode(bytes)
        else {
            print(#"{"file":"\#(path)","error":"unreadable"}"#)
            continue
        }
        var imageDecode: [Double] = [], dct: [Double] = [], svd: [Double] = [], analyze: [Double] = [], file: [Double] = []
        var bits = ""
        for _ in 0..<repeats {
            imageDecode.append(milliseconds { if let d = try? decoder.decode(bytes) { decoder.recycle(d.image) } })
            dct.append(
                milliseconds {
                    bits = (try? InvisibleWatermarkDecoder.decode(decoded.image, method: .dwtDct, length: 136))?.hex ?? ""
                })
            svd.append(milliseconds { _ = try? InvisibleWatermarkDecoder.decode(decoded.image, method: .dwtDctSvd, length: 136) })
            analyze.append(milliseconds { _ = try? WatermarkDetector.analyze(decoded.image) })
            file.append(milliseconds { _ = reader.read(path: path) })
        }
        print(
            #"{"file":"\#(path)","width":\#(decoded.image.width),"height":\#(decoded.image.height),"#
                + #""image_decode_ms":\#(median(imageDecode)),"dwtDct_ms":\#(median(dct)),"dwtDctSvd_ms":\#(median(svd)),"#
                + #""analyze_ms":\#(median(analyze)),"file_ms":\#(median(file)),"dwtDct_136_hex":"\#(bits)"}"#)
    }
}
