// libFuzzer harness: the CBOR decoder must throw ProvenanceError, never crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? CBORDecoder.decode(Array(UnsafeBufferPointer(start: data, count: size)), context: "fuzz")
    return 0
}
