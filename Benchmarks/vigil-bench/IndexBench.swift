// `vigil-bench index HASHES QUERIES [--radius R] [--passes P] [--verify N] [--dump-hits N]`: builds
// a PDQMultiIndex over the raw 32-byte hashes in HASHES (canonical big-endian byte order, as numpy's
// packbits writes them), times single-query range search over QUERIES on one thread (P passes; the
// rate reported is the median pass's, latencies are over all passes), and checks
// the first N queries against brute force. Prints one JSON object, then with --dump-hits the
// positions found for the first N queries, one line each.
import Foundation
import VigilHashing
import VigilIndex

func loadHashes(_ path: String) -> [PDQHash] {
    guard let data = FileManager.default.contents(atPath: path) else { fatalError("cannot read \(path)") }
    let bytes = [UInt8](data)
    func word(_ offset: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(bytes[offset + i]) }
        return v
    }
    return stride(from: 0, to: bytes.count - 31, by: 32).map { o in PDQHash(word(o + 24), word(o + 16), word(o + 8), word(o)) }
}

func indexBench(_ args: [String]) {
    guard args.count >= 2 else { return print("usage: vigil-bench index HASHES QUERIES [--radius R] [--passes P] [--verify N]") }
    // The non-negative number after `name`, if given.
    func option(_ name: String) -> Int? {
        guard let i = args.firstIndex(of: name) else { return nil }
        guard i + 1 < args.count, let n = Int(args[i + 1]), n >= 0 else {
            FileHandle.standardError.write(Data("vigil-bench index: \(name) needs a number ≥ 0\n".utf8))
            exit(2)
        }
        return n
    }
    let radius = option("--radius") ?? 31, verify = option("--verify") ?? 20, dump = option("--dump-hits") ?? 0
    let passes = max(1, option("--passes") ?? 1)
    let hashes = loadHashes(args[0])
    let queries = loadHashes(args[1])
    var index: PDQMultiIndex?
    let buildMs = milliseconds { index = PDQMultiIndex(hashes) }
    let built = index!
    var latencies: [Double] = []
    latencies.reserveCapacity(queries.count * passes)
    var hits: [IndexHit] = []
    var totalHits = 0
    var rates: [Double] = []
    for pass in 0..<passes {
        let start = DispatchTime.now().uptimeNanoseconds
        for q in queries {
            hits.removeAll(keepingCapacity: true)
            let t0 = DispatchTime.now().uptimeNanoseconds
            built.search(q, radius: radius, into: &hits)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3)
            if pass == 0 { totalHits += hits.count }
        }
        rates.append(Double(queries.count) * 1e9 / Double(DispatchTime.now().uptimeNanoseconds - start))
    }
    var recallOK = true
    for q in queries.prefix(verify) {
        var a: [IndexHit] = [], b: [IndexHit] = []
        built.search(q, radius: radius, into: &a)
        built.linearSearch(q, radius: radius, into: &b)
        if a.sorted() != b.sorted() { recallOK = false }
    }
    latencies.sort()
    // Snapshot: write the index with payloads, time loading it back (parse + table rebuild).
    let snapshotPath = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-\(getpid()).pdqidx").path
    defer { try? FileManager.default.removeItem(atPath: snapshotPath) }
    let withPayloads = PDQIndex(hashes: hashes, payloads: (0..<hashes.count).map { UInt32($0) })
    var snapshotBytes = 0, loadMs = 0.0
    if (try? withPayloads.write(to: snapshotPath)) != nil {
        snapshotBytes = (try? FileManager.default.attributesOfItem(atPath: snapshotPath)[.size] as? Int) ?? 0
        loadMs = milliseconds { _ = try? PDQIndex(contentsOf: snapshotPath) }
    }
    print(
        #"{"hashes":\#(hashes.count),"queries":\#(queries.count),"radius":\#(radius),"build_ms":\#(buildMs),"#
            + #""bytes_per_hash":\#(Double(built.memoryBytes) / Double(max(hashes.count, 1))),"#
            + #""qps":\#(median(rates)),"passes":\#(passes),"p50_us":\#(latencies[latencies.count / 2]),"#
            + #""p99_us":\#(latencies[latencies.count * 99 / 100]),"hits":\#(totalHits),"#
            + #""snapshot_bytes":\#(snapshotBytes),"snapshot_load_ms":\#(loadMs),"#
            + #""exact_vs_bruteforce_on_first":\#(verify),"exact":\#(recallOK)}"#)
    for q in queries.prefix(dump) {
        hits.removeAll(keepingCapacity: true)
        built.search(q, radius: radius, into: &hits)
        print(hits.map { String($0.position) }.joined(separator: " "))
    }
}
