// libFuzzer harness: the JUMBF reader and the container walkers (JPEG APP11, PNG caBX, WebP C2PA,
// BMFF uuid) must throw ProvenanceError, never crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let root = try? JUMBFReader.parseStore(bytes) { _ = root.child("c2pa") }
    if let meta = try? MetadataExtractor.extract(bytes, name: "fuzz"), let store = meta.c2paStore {
        _ = try? JUMBFReader.parseStore(store)
    }
    return 0
}
