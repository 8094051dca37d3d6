import Foundation
import VigilProvenance

// Times VigilProvenance in-process on one file: read + C2PA validation (+ XMP/EXIF/generator
// metadata), the same work as c2pa-python's Reader. Usage: vigil-provenance-bench FILE ANCHORS.pem RUNS
// Prints the state and the median milliseconds as JSON.
let arguments = CommandLine.arguments
guard arguments.count == 4, let runs = Int(arguments[3]), runs > 0 else {
    FileHandle.standardError.write(Data("usage: vigil-provenance-bench FILE ANCHORS.pem RUNS\n".utf8))
    exit(2)
}
let anchors = try TrustAnchors(pem: String(contentsOfFile: arguments[2], encoding: .utf8), name: arguments[2])
var times: [Double] = []
var state = ""
for _ in 0..<runs {
    let start = DispatchTime.now().uptimeNanoseconds
    // One read of the file, validated in place (no second copy into an array), as `vigil inspect` does.
    let data = try Data(contentsOf: URL(fileURLWithPath: arguments[1]))
    let report = try data.withUnsafeBytes {
        try ProvenanceReport.inspect($0, name: arguments[1], validator: C2PAValidator(anchors: anchors))
    }
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    state = report.c2pa.state.rawValue
}
times.sort()
print(#"{"state": "\#(state)", "median_ms": \#(times[times.count / 2])}"#)
