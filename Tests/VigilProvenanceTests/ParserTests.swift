import Testing
import VigilProvenance

/// CBOR, JUMBF, XMP and EXIF readers on inputs built here, hostile ones included.
@Suite struct CBORTests {
    @Test(
        arguments: [
            // RFC 8949 Appendix A examples: encoding → value.
            ([0x00], CBOR.unsigned(0)),
            ([0x18, 0x64], .unsigned(100)),
            ([0x20], .negative(0)),
            ([0x39, 0x03, 0xe7], .negative(999)),
            ([0x43, 0x01, 0x02, 0x03], .bytes([1, 2, 3])),
            ([0x62, 0x49, 0x45], .text("IE")),
            ([0x83, 0x01, 0x02, 0x03], .array([.unsigned(1), .unsigned(2), .unsigned(3)])),
            ([0x9f, 0x01, 0x82, 0x02, 0x03, 0xff], .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)])])),
            ([0xa1, 0x61, 0x61, 0x01], .map([(.text("a"), .unsigned(1))])),
            ([0xbf, 0x61, 0x61, 0x01, 0xff], .map([(.text("a"), .unsigned(1))])),
            ([0x5f, 0x42, 0x01, 0x02, 0x41, 0x03, 0xff], .bytes([1, 2, 3])),
            ([0x7f, 0x61, 0x61, 0x61, 0x62, 0xff], .text("ab")),
            ([0xd2, 0x80], .tagged(18, .array([]))),
            ([0xf5], .bool(true)),
            ([0xf6], .null),
            ([0xf9, 0x3c, 0x00], .double(1.0)),
            ([0xf9, 0xc4, 0x00], .double(-4.0)),
            ([0xfb, 0x3f, 0xf1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a], .double(1.1)),
        ] as [([UInt8], CBOR)])
    func decodesRFCExamples(_ bytes: [UInt8], _ value: CBOR) throws {
        #expect(try CBORDecoder.decode(bytes, context: "test") == value)
    }

    @Test(arguments: [
        ("a byte string declaring 2^62 bytes", [0x5b, 0x40, 0, 0, 0, 0, 0, 0, 0] as [UInt8], "limit_exceeded"),
        ("an array declaring 2^32 items", [0x9b, 0, 0, 0, 1, 0, 0, 0, 0], "limit_exceeded"),
        ("a map declaring 1000 pairs in 3 bytes", [0xb9, 0x03, 0xe8], "limit_exceeded"),
        ("a truncated integer", [0x19, 0x01], "truncated"),
        ("an unterminated indefinite array", [0x9f, 0x01], "truncated"),
        ("a stray break", [0xff], "malformed"),
        ("text that is not UTF-8", [0x62, 0xc3, 0x28], "malformed"),
        ("trailing bytes", [0x01, 0x02], "malformed"),
    ])
    func refusesHostileInput(_ what: String, _ bytes: [UInt8], _ code: String) {
        #expect(throws: ProvenanceError.self, "\(what)") { try CBORDecoder.decode(bytes, context: "test") }
        do {
            _ = try CBORDecoder.decode(bytes, context: "test")
        } catch {
            #expect(error.code.rawValue == code, "\(what)")
        }
    }

    @Test func refusesDeepNesting() {
        let deep = [UInt8](repeating: 0x81, count: 10_000) + [0x00]
        #expect {
            try CBORDecoder.decode(deep, context: "test")
        } throws: { ($0 as? ProvenanceError)?.code == .limitExceeded }
    }
}

@Suite struct JUMBFTests {
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let n = UInt32(8 + payload.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + Array(type.utf8) + payload
    }

    static func superbox(_ code: String, label: String, _ children: [[UInt8]]) -> [UInt8] {
        let uuid = Array(code.utf8) + [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        let jumd = box("jumd", uuid + [0x03] + Array(label.utf8) + [0])
        return box("jumb", jumd + children.flatMap { $0 })
    }

    @Test func readsLabelsAndChildren() throws {
        let store = Self.superbox(
            "c2pa", label: "c2pa", [Self.superbox("c2ma", label: "urn:uuid:1", [Self.box("cbor", [0xa0])])])
        let root = try JUMBFReader.parseStore(store)
        #expect(root.label == "c2pa")
        #expect(root.uuidCode == "c2pa")
        let manifest = try #require(root.child("urn:uuid:1"))
        #expect(manifest.uuidCode == "c2ma")
        #expect(manifest.children.map(\.type) == ["cbor"])
        #expect(Array(store[manifest.children[0].payload]) == [0xa0])
    }

    @Test func refusesABoxPastTheEnd() {
        var store = Self.superbox("c2pa", label: "c2pa", [Self.box("cbor", [1, 2, 3])])
        store[store.count - 11] = 0x7f  // the cbor box's LBox now claims far more than is there
        #expect {
            try JUMBFReader.parseStore(store)
        } throws: { ($0 as? ProvenanceError)?.code == .truncated }
    }

    @Test func refusesBoxesNestedTenThousandDeep() {
        var store = Self.box("cbor", [0])
        for _ in 0..<10_000 { store = Self.superbox("c2pa", label: "x", [store]) }
        #expect {
            try JUMBFReader.parseStore(store)
        } throws: { ($0 as? ProvenanceError)?.code == .limitExceeded }
    }
}

@Suite struct XMPTests {
    static let packet = """
        <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
          xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Tool &amp; Co">
          <Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>
        </rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>
        """

    @Test func readsDigitalSourceTypeAndCreatorTool() throws {
        let info = try XMPParser.parse(Array(Self.packet.utf8), name: "t")
        #expect(info.digitalSourceTypes == ["http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"])
        #expect(info.creatorTool == "Tool & Co")
    }

    @Test func readsTheAttributeFormWithAnotherPrefix() throws {
        let packet = """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description \
            xmlns:ie="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" \
            ie:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"/></rdf:RDF>
            """
        let info = try XMPParser.parse(Array(packet.utf8), name: "t")
        #expect(info.digitalSourceTypes == ["http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"])
    }

    @Test func refusesBillionLaughs() {
        var doc = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for i in 1...9 {
            doc += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1 == 0 ? "" : String(i - 1));", count: 10) + "\">"
        }
        doc += "]><lolz>&lol9;</lolz>"
        #expect {
            try XMPParser.parse(Array(doc.utf8), name: "t")
        } throws: { ($0 as? ProvenanceError)?.code == .unsupported }
    }

    @Test func refusesUndefinedEntitiesAndDeepNesting() {
        #expect(throws: ProvenanceError.self) { try XMPParser.parse(Array("<a>&lol;</a>".utf8), name: "t") }
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        #expect {
            try XMPParser.parse(Array(deep.utf8), name: "t")
        } throws: { ($0 as? ProvenanceError)?.code == .limitExceeded }
    }
}
