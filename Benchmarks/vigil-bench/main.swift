// Benchmarks for Vigil, run by the scripts in Benchmarks/: `vigil-bench pdq …`, `vigil-bench index …` or
// `vigil-bench watermark …`.
import Dispatch

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func milliseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

/// Removes `--repeat N` from `arguments` and returns N (or `default`).
func takeRepeat(_ arguments: inout [String], default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: "--repeat"), index + 1 < arguments.count, let n = Int(arguments[index + 1]) else {
        return value
    }
    arguments.removeSubrange(index...index + 1)
    return n
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "pdq": pdqBench(Array(arguments.dropFirst()))
case "index": indexBench(Array(arguments.dropFirst()))
case "watermark": watermarkBench(Array(arguments.dropFirst()))
case "scrypt": scryptBench(Array(arguments.dropFirst()))
default:
    print(
        "usage: vigil-bench pdq [--repeat N] FILE... | vigil-bench index HASHES QUERIES [--radius R] [--passes P]"
            + " | vigil-bench watermark [--repeat N] FILE... | vigil-bench scrypt [--repeat N] LOGN R P")
}
