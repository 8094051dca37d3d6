// libFuzzer harness: a whole manifest store through C2PA validation (JUMBF, claim CBOR,
// COSE_Sign1 parsing and signature verification, certificate parsing, hashed URIs, data hash)
// must yield a report, never crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = C2PAValidator().validate(store: bytes, asset: bytes)
    return 0
}
