// libFuzzer harness: the BMFF box walker, xpath lookup and the c2pa.hash.bmff exclusion plan must
// throw ProvenanceError or return nil, never crash, hang or read out of bounds.
/// Built per input: a global array of CBOR would be reported as leaked at exit, because Swift keeps
/// enum tags in pointers' spare bits where LeakSanitizer cannot see them.
func makeExclusions() -> [CBOR] {
    func map(_ pairs: [(String, CBOR)]) -> CBOR { .map(pairs.map { (.text($0.0), $0.1) }) }
    let c2pa: [UInt8] = [0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81]
    return [
        map([("xpath", .text("/uuid")), ("data", .array([map([("offset", .unsigned(8)), ("value", .bytes(c2pa))])]))]),
        map([("xpath", .text("/ftyp"))]), map([("xpath", .text("/mfra"))]), map([("xpath", .text("/free"))]),
        map([("xpath", .text("/moov/trak[2]/mdia")), ("version", .unsigned(0)), ("flags", .bytes([0, 0, 1]))]),
        map([("xpath", .text("/meta/iloc")), ("flags", .bytes([0, 0, 0])), ("exact", .bool(false))]),
        map([
            ("xpath", .text("/moov")), ("length", .unsigned(100)),
            ("subset", .array([map([("offset", .unsigned(8)), ("length", .unsigned(4))]), map([("offset", .unsigned(20)), ("length", .unsigned(0))])])),
        ]),
        map([("xpath", .text("/mdat")), ("subset", .array([map([("offset", .unsigned(16)), ("length", .unsigned(1 << 40))])]))]),
    ]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let tree = try? BMFFTree.parse(bytes, name: "fuzz") else { return 0 }
    for path in ["/moov/trak/mdia/minf", "/moov/trak[1]", "/meta[1]/iinf", "/x", "/uuid[0]", "/moov/trak[99]"] {
        _ = tree.fetch(path)
    }
    let exclusions = makeExclusions()
    for withOffsets in [false, true] {
        _ = BMFFHash.plan(exclusions, tree: tree, asset: bytes, withOffsets: withOffsets)
    }
    return 0
}
