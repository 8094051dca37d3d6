import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilCore
import VigilServer
import VigilStore

/// A server over a fresh data directory, with keys of several scopes.
struct TestServer {
    var configuration: ServerConfiguration
    let full: String, scanOnly: String, lookupOnly: String

    init(maxBodyBytes: Int = 1 << 20) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-server-\(UUID())").path
        configuration = ServerConfiguration(dataDirectory: dir, maxBodyBytes: maxBodyBytes)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try SQLiteBankStore(path: configuration.databasePath)
        full = try store.createKey(name: "full", scopes: [.scan, .lookup, .banksRead, .banksWrite]).secret
        scanOnly = try store.createKey(name: "scan", scopes: [.scan]).secret
        lookupOnly = try store.createKey(name: "lookup", scopes: [.lookup]).secret
    }

    func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await buildApplication(configuration).test(.router, body)
    }
}

func headers(_ key: String?, json: Bool = false) -> HTTPFields {
    var h = HTTPFields()
    if let key { h[.authorization] = "Bearer \(key)" }
    if json { h[.contentType] = "application/json" }
    return h
}

func object(_ buffer: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]) ?? [:]
}

/// The error code of a JSON error answer.
func errorCode(_ buffer: ByteBuffer) -> String? { (object(buffer)["error"] as? [String: Any])?["code"] as? String }

let pictureBMP = ByteBuffer(bytes: scenePictureBMP())

func scenePictureBMP() -> [UInt8] {
    let width = 160, height = 120, stride = (width * 3 + 3) / 4 * 4
    var out = Array("BM".utf8)
    func le(_ v: Int, _ n: Int) { for i in 0..<n { out.append(UInt8((v >> (8 * i)) & 255)) } }
    le(54 + stride * height, 4); le(0, 4); le(54, 4); le(40, 4); le(width, 4); le(height, 4); le(1, 2); le(24, 2)
    le(0, 4); le(stride * height, 4); le(0, 4); le(0, 4); le(0, 4); le(0, 4)
    for y in 0..<height {
        for x in 0..<width {
            let inDisc = (x - 60) * (x - 60) + (y - 50) * (y - 50) < 900
            out += inDisc ? [30, 200, 240] : [UInt8(x * 255 / width), UInt8(y * 2), UInt8((x / 20) % 2 * 200)]
        }
        out += Array(repeating: 0, count: stride - width * 3)
    }
    return out
}

@Test("health checks and the OpenAPI document are open; everything else needs a key with the right scope")
func authentication() async throws {
    let server = try TestServer()
    let (full, scanOnly, lookupOnly) = (server.full, server.scanOnly, server.lookupOnly)
    try await server.run { client in
        try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
        try await client.execute(uri: "/openapi.json", method: .get) { response in
            #expect(response.status == .ok)
            #expect(object(response.body)["openapi"] as? String == "3.1.0")
        }
        try await client.execute(uri: "/v1/banks", method: .get) { response in
            #expect(response.status == .unauthorized)
            #expect(errorCode(response.body) == "unauthorized")
        }
        try await client.execute(
            uri: "/v1/banks", method: .get, headers: headers("vgl_000000000000_" + String(repeating: "0", count: 40))
        ) {
            #expect($0.status == .unauthorized)
        }
        try await client.execute(uri: "/v1/banks", method: .get, headers: headers("not a key")) {
            #expect($0.status == .unauthorized)
        }
        try await client.execute(uri: "/v1/banks", method: .get, headers: headers(scanOnly)) { #expect($0.status == .forbidden) }
        try await client.execute(uri: "/v1/hash", method: .post, headers: headers(lookupOnly), body: pictureBMP) {
            #expect($0.status == .forbidden)
        }
        try await client.execute(uri: "/v1/banks", method: .get, headers: headers(full)) { #expect($0.status == .ok) }
        try await client.execute(uri: "/v1/hash", method: .get, headers: headers(full)) { response in
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "POST")
        }
        try await client.execute(uri: "/v2/anything", method: .get, headers: headers(full)) { response in
            #expect(response.status == .notFound)
            #expect(errorCode(response.body) == "not_found")
        }
    }
}

@Test("hashing answers PDQ and digests; bad media gets the right 4xx and the server keeps serving")
func hashing() async throws {
    let server = try TestServer(maxBodyBytes: 200_000)
    let key = server.scanOnly
    try await server.run { client in
        try await client.execute(uri: "/v1/hash?dihedral=true", method: .post, headers: headers(key), body: pictureBMP) {
            response in
            #expect(response.status == .ok)
            let body = object(response.body)
            #expect((body["pdq"] as? String)?.count == 64)
            #expect((body["pdq_dihedral"] as? [String])?.count == 8)
            #expect(body["format"] as? String == "bmp")
        }
        let cases: [(ByteBuffer, HTTPFields, HTTPResponse.Status, String)] = [
            (ByteBuffer(), headers(key), .badRequest, "empty"),
            (ByteBuffer(string: "just text"), headers(key), .unsupportedMediaType, "unknown_format"),
            (ByteBuffer(string: "{}"), headers(key, json: true), .badRequest, "malformed_json"),
            (ByteBuffer(bytes: bombPNG()), headers(key), .unprocessableContent, "too_many_pixels"),
            (ByteBuffer(bytes: Array(scenePictureBMP().prefix(300))), headers(key), .unprocessableContent, "undecodable"),
            (ByteBuffer(repeating: 0xFF, count: 300_000), headers(key), .contentTooLarge, "too_large"),
        ]
        for (body, h, status, code) in cases {
            try await client.execute(uri: "/v1/hash", method: .post, headers: h, body: body) { response in
                #expect(response.status == status, "\(code)")
                #expect(errorCode(response.body) == code)
            }
        }
        try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
    }
}

@Test("banks, entries, lookup and scan: matches, verdicts, and labels only for keys that may read banks")
func banksAndMatching() async throws {
    let server = try TestServer()
    let (full, scanOnly, lookupOnly) = (server.full, server.scanOnly, server.lookupOnly)
    try await server.run { client in
        var pdq = ""
        try await client.execute(uri: "/v1/hash", method: .post, headers: headers(scanOnly), body: pictureBMP) {
            pdq = object($0.body)["pdq"] as? String ?? ""
        }
        try await client.execute(
            uri: "/v1/banks", method: .post, headers: headers(full, json: true),
            body: ByteBuffer(string: #"{"name":"known","category":"A1"}"#)
        ) { #expect($0.status == .created) }
        let badBodies: [(String, HTTPFields, HTTPResponse.Status)] = [
            (#"{"name":"known"}"#, headers(full, json: true), .conflict),
            (#"{"name":"#, headers(full, json: true), .badRequest),
            (#"{"name":"x"}"#, headers(full), .unsupportedMediaType),
            (#"{"name":"x","threshold":999}"#, headers(full, json: true), .badRequest),
        ]
        for (body, h, status) in badBodies {
            try await client.execute(uri: "/v1/banks", method: .post, headers: h, body: ByteBuffer(string: body)) {
                #expect($0.status == status, "\(body)")
            }
        }
        let entry = #"{"entries":[{"kind":"pdq","hash":"\#(pdq)","label":"known picture"}]}"#
        try await client.execute(
            uri: "/v1/banks/known/entries", method: .post, headers: headers(full, json: true), body: ByteBuffer(string: entry)
        ) {
            #expect(object($0.body)["added"] as? Int == 1)
        }
        try await client.execute(
            uri: "/v1/banks/missing/entries", method: .post, headers: headers(full, json: true), body: ByteBuffer(string: entry)
        ) {
            #expect($0.status == .notFound)
        }
        let badHash = #"{"entries":[{"kind":"pdq","hash":"abc"}]}"#
        try await client.execute(
            uri: "/v1/banks/known/entries", method: .post, headers: headers(full, json: true), body: ByteBuffer(string: badHash)
        ) {
            #expect($0.status == .badRequest)
            #expect(errorCode($0.body) == "bad_hash")
        }
        try await client.execute(uri: "/v1/banks/known/entries?limit=0", method: .get, headers: headers(full)) {
            #expect($0.status == .badRequest)
        }
        try await client.execute(uri: "/v1/banks/known/entries", method: .get, headers: headers(full)) { response in
            #expect((object(response.body)["entries"] as? [Any])?.count == 1)
        }

        let lookup = ByteBuffer(string: #"{"pdq":"\#(pdq)","quality":90}"#)
        try await client.execute(uri: "/v1/lookup", method: .post, headers: headers(lookupOnly, json: true), body: lookup) {
            response in
            let matches = object(response.body)["matches"] as? [[String: Any]] ?? []
            #expect(matches.count == 1)
            #expect(matches.first?["label"] == nil, "a key without banks:read sees no labels")
            #expect(matches.first?["hash"] == nil)
        }
        try await client.execute(uri: "/v1/lookup", method: .post, headers: headers(full, json: true), body: lookup) { response in
            #expect((object(response.body)["matches"] as? [[String: Any]])?.first?["label"] as? String == "known picture")
        }
        for body in [#"{"pdq":"zz"}"#, #"{}"#, #"{"pdq":"\#(pdq)","quality":101}"#, #"{"md5":"123"}"#] {
            try await client.execute(
                uri: "/v1/lookup", method: .post, headers: headers(lookupOnly, json: true), body: ByteBuffer(string: body)
            ) {
                #expect($0.status == .badRequest, "\(body)")
            }
        }
        try await client.execute(uri: "/v1/scan", method: .post, headers: headers(scanOnly), body: pictureBMP) { response in
            let body = object(response.body)
            #expect(body["verdict"] as? String == "block")
            #expect((body["id"] as? String)?.isEmpty == false)
        }
        try await client.execute(uri: "/v1/banks/known", method: .delete, headers: headers(full)) {
            #expect($0.status == .noContent)
        }
        try await client.execute(uri: "/v1/scan", method: .post, headers: headers(scanOnly), body: pictureBMP) {
            #expect(object($0.body)["verdict"] as? String == "allow")
        }
        try await client.execute(uri: "/v1/banks/known", method: .get, headers: headers(full)) { #expect($0.status == .notFound) }
    }
}

/// A PNG header declaring 100000×100000 pixels.
func bombPNG() -> [UInt8] {
    func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 255), UInt8((v >> 8) & 255), UInt8(v & 255)] }
    var crc: UInt32 = 0xFFFF_FFFF
    let typed = Array("IHDR".utf8) + be(100_000) + be(100_000) + [8, 2, 0, 0, 0]
    for byte in typed {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + typed + be(~crc)
}
