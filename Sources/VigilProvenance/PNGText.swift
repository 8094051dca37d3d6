import CVigilZlib

/// PNG tEXt, zTXt and iTXt chunks, and zlib inflate with an output cap.
enum PNGText {
    /// The most text one chunk may inflate to.
    static let maxInflated = 8 << 20

    static func decode(type: String, _ data: ArraySlice<UInt8>, name: String) throws(ProvenanceError) -> (
        key: String, value: String
    )? {
        guard let nul = data.firstIndex(of: 0) else { return nil }
        let key = String(decoding: data[data.startIndex..<nul], as: UTF8.self)
        let rest = data[(nul + 1)...]
        switch type {
        case "tEXt":
            return (key, latin1(rest))
        case "zTXt":
            guard rest.first == 0 else { return nil }
            return (key, latin1(try inflate(Array(rest.dropFirst()), name: name)[...]))
        default:  // iTXt: compression flag, method, language\0, translated keyword\0, text.
            guard rest.count >= 2 else { return nil }
            let compressed = rest[rest.startIndex] == 1
            var tail = rest.dropFirst(2)
            for _ in 0..<2 {
                guard let n = tail.firstIndex(of: 0) else { return nil }
                tail = tail[(n + 1)...]
            }
            let text = compressed ? try inflate(Array(tail), name: name) : Array(tail)
            return (key, String(decoding: text, as: UTF8.self))
        }
    }

    static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// Inflates zlib (or, with `gzip`, gzip) data, refusing output past `cap` bytes.
    static func inflate(_ input: [UInt8], gzip: Bool = false, cap: Int = maxInflated, name: String) throws(ProvenanceError)
        -> [UInt8]
    {
        var stream = z_stream()
        guard inflateInit2_(&stream, gzip ? 31 : 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ProvenanceError(.malformed, "\(name): zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            while true {
                let result: Int32 = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(outBuf.count)
                    return CVigilZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > cap { return Z_MEM_ERROR }
                output += chunk[0..<produced]
                if result == Z_STREAM_END { return Z_OK }
                if result != Z_OK { return result }
                if stream.avail_in == 0 && produced == 0 { return Z_BUF_ERROR }
            }
        }
        switch status {
        case Z_OK: return output
        case Z_MEM_ERROR:
            throw ProvenanceError(.limitExceeded, "\(name): compressed text inflates past \(cap) bytes")
        default: throw ProvenanceError(.malformed, "\(name): compressed text is not valid zlib data")
        }
    }
}
