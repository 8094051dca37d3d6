import Foundation
import Testing
import VigilReporting
import VigilStore

/// The schema fixture (Vigil's own, written from NCMEC's documented elements).
let schemaPath: String = {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures/cybertip.xsd").path
}()

/// The repository's root, from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs a command with stdin, stdout and stderr in temporary files, never pipes: a pipe's write
/// end can leak into a child spawned concurrently by another test (the long-lived double), and
/// then reading it to EOF never returns. Returns the exit status and stdout + stderr.
func runTool(_ arguments: [String], input: Data = Data()) throws -> (status: Int32, output: String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let inURL = dir.appendingPathComponent("in"), outURL = dir.appendingPathComponent("out")
    try input.write(to: inURL)
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    let stdin = try FileHandle(forReadingFrom: inURL), stdout = try FileHandle(forWritingTo: outURL)
    defer {
        try? stdin.close()
        try? stdout.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stdout
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: try Data(contentsOf: outURL), as: UTF8.self))
}

/// Validates `xml` with libxml2's `xmllint --schema` (an independent validator, not our writer).
/// Returns nil when valid, else xmllint's complaint.
func xmllint(_ xml: String, schema: String = schemaPath) throws -> String? {
    let (status, output) = try runTool(["xmllint", "--noout", "--schema", schema, "-"], input: Data(xml.utf8))
    return status == 0 ? nil : output
}

let reporter = CyberTipReport.Reporter(
    firstName: "Rae", lastName: "Porter", email: "safety@example.org", phone: "+1 555 0100",
    companyTemplate: "Example Photos Inc.", legalUrl: "https://example.org/legal")

func sampleReport(files: Int = 2) -> CyberTipReport {
    CyberTipReport(
        incident: .init(type: .childPornography, dateTime: "2026-11-20T10:15:00Z"),
        internet: .init(kind: .webPage, values: ["https://photos.example.org/u/x?a=1&b=2"]),
        reporter: reporter,
        reported: .init(
            email: "uploader@example.net", espIdentifier: "user-4711", screenName: "x<y>&z",
            ipCaptureEvents: [.init(ipAddress: "203.0.113.7", eventName: .upload, dateTime: "2026-11-20T10:14:59Z")]),
        files: (0..<files).map { i in
            .init(
                itemId: "item-\(i)", evidenceId: "ev-\(i)", originalFileName: "pic \(i) <\"&'>.png", viewedByEsp: i == 0,
                exifViewedByEsp: false, annotations: i == 1 ? [.viral, .generativeAi] : [], industryClassification: "A1",
                md5: String(repeating: "ab", count: 16))
        })
}

/// A confirmed review item with real (benign) evidence bytes, made the way the service makes them.
struct SeededStore {
    let store: SQLiteBankStore
    let vault: EvidenceVault
    let directory: URL
    let analyst: ConsoleUser
    let lead: ConsoleUser

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteBankStore(path: directory.appendingPathComponent("vigil.sqlite").path)
        vault = try EvidenceVault(
            directory: directory.appendingPathComponent("evidence").path,
            key: EvidenceVault.parseKey(String(repeating: "5a", count: 32))!)
        analyst = try store.createUser(name: "ana", role: .analyst, passwordHash: "x", by: "test")
        lead = try store.createUser(name: "lee", role: .lead, passwordHash: "x", by: "test")
    }

    /// A benign "file": seeded bytes.
    static func bytes(_ seed: Int) -> [UInt8] { (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7) } }

    /// Scans, queues, optionally reveals, and confirms one item; returns its id.
    @discardableResult
    func confirmedItem(seed: Int, reveal: Bool, synthetic: Bool = false, category: String = "A1") throws -> String {
        let scanID = "scan-\(seed)", itemID = "item-\(seed)", evidenceID = "evidence-\(seed)"
        let bytes = Self.bytes(seed)
        let md5 = SystemMD5.hex(bytes)
        _ = try store.submitScan(
            ScanSubmission(id: scanID, keyID: nil, idempotencyKey: nil, fingerprint: "f\(seed)", asynchronous: false))
        let name = try vault.store(bytes, name: evidenceID + ".bin")
        let signal =
            synthetic
            ? #"[{"type":"hash_match","bank":"b","kind":"md5","distance":0},{"type":"synthetic","signal":{"verdict":"ai-generated","confidence":0.99,"evidence":[{"kind":"c2pa","detail":"C2PA digitalSourceType trainedAlgorithmicMedia","strength":"strong"}]}}]"#
            : #"[{"type":"hash_match","bank":"b","kind":"md5","distance":0}]"#
        try store.complete(
            ScanCompletion(
                id: scanID, status: .done, result: #"{"hashes":{"md5":"\#(md5)"},"signals":\#(signal)}"#,
                audit: AuditDraft(actor: "test", action: "scan.review", subject: scanID),
                evidence: EvidenceDraft(
                    id: evidenceID, scanID: scanID, sha256: "", bytes: bytes.count, format: "png", path: "evidence/" + name,
                    retainUntil: "2030-01-01T00:00:00Z", metadata: "{}"),
                review: ReviewItemDraft(
                    id: itemID, scanID: scanID, evidenceID: evidenceID, verdict: "review", category: nil, confidence: 1,
                    pdq: nil, filename: "upload-\(seed).png", signals: signal)))
        let now = Date().timeIntervalSince1970
        _ = try store.claim(itemID: itemID, user: analyst, seconds: 600, now: now)
        if reveal { _ = try store.reveal(itemID: itemID, user: analyst, dailyCap: 100, now: now) }
        _ = try store.decide(itemID: itemID, user: analyst, decision: .confirm(category: category), now: now)
        return itemID
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

/// MD5 for test expectations, from the system's `md5sum` (independent of Vigil's digests).
enum SystemMD5 {
    static func hex(_ bytes: [UInt8]) -> String {
        String(((try? runTool(["md5sum"], input: Data(bytes)))?.output ?? "").prefix(32))
    }
}

/// The Python test double of the CyberTipline service, on a free port, stopped by `stop()`.
final class CyberTipDouble: @unchecked Sendable {
    let process = Process()
    let port: Int
    static let user = "esp-user", password = "s3cret: with colon"

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-u", repositoryRoot.appendingPathComponent("scripts/service/cybertip_double.py").path, "--port", "0",
            "--user", Self.user, "--password", Self.password, "--xsd", schemaPath,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw ReportingError(.transport, "the CyberTipline double did not start: \(text)")
        }
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)/ispws" }

    /// SIGKILL: the test runner's children may inherit an ignored SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private func http(_ path: String, _ body: String? = nil) throws -> Data {
        // curl keeps the test free of a second HTTP client stack.
        var arguments = ["curl", "-s", "--max-time", "10", "http://127.0.0.1:\(port)\(path)"]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        return Data(try runTool(arguments).output.utf8)
    }

    func fail(_ endpoint: String, code: Int, times: Int = 1) throws {
        _ = try http("/_control/fail", #"{"endpoint":"\#(endpoint)","code":\#(code),"times":\#(times)}"#)
    }

    /// The double's record: reports by id with status, the call log, validation failures.
    struct State: Decodable {
        struct Report: Decodable {
            var status: String
            var files: [String: File]
            var xml: String
        }
        struct File: Decodable {
            var md5: String
            var details: String?
        }
        struct Call: Decodable {
            var endpoint: String
            var code: Int
        }
        struct Invalid: Decodable {
            var kind: String
            var code: Int
            var message: String
        }
        var reports: [String: Report]
        var calls: [Call]
        var invalid: [Invalid]

        var finished: [String] { reports.filter { $0.value.status == "finished" }.map(\.key).sorted() }
    }

    func state() throws -> State {
        try JSONDecoder().decode(State.self, from: try http("/_state"))
    }
}
