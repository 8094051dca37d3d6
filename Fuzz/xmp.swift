// libFuzzer harness: the XMP reader must throw ProvenanceError, never crash, hang or expand entities.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? XMPParser.parse(Array(UnsafeBufferPointer(start: data, count: size)), name: "fuzz")
    return 0
}
