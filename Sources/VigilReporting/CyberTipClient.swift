import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where and as whom reports are filed. The password is never printed (`description` redacts it).
public struct CyberTipCredentials: Sendable, CustomStringConvertible {
    /// NCMEC's test service: reports sent there are discarded. The default for new installs.
    public static let testURL = "https://exttest.cybertip.org/ispws"
    public static let productionURL = "https://report.cybertip.org/ispws"

    public var baseURL: String
    public var username: String
    public var password: String

    public init(baseURL: String = CyberTipCredentials.testURL, username: String, password: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.username = username
        self.password = password
    }

    public var description: String { "CyberTipCredentials(\(baseURL), user: \(username), password: <redacted>)" }

    var authorization: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
}

/// The ESP web service, one call per method. Every call answers a parsed `<reportResponse>`;
/// HTTP 401/403 without one become codes 2000/3000, other HTTP failures and unreachable hosts
/// throw `transport` (the caller retries), an unreadable answer throws `protocolError`.
public struct CyberTipClient: Sendable {
    public let credentials: CyberTipCredentials
    let client: HTTPClient
    var timeout: TimeAmount

    public init(credentials: CyberTipCredentials, client: HTTPClient, timeout: TimeAmount = .seconds(60)) {
        self.credentials = credentials
        self.client = client
        self.timeout = timeout
    }

    /// `GET /status`: whether the service is up and the credentials work.
    public func status() async throws(ReportingError) -> ReportResponse {
        try await call("status", method: .GET, contentType: nil, body: [])
    }

    /// `POST /submit` with a `<report>`: opens a report and answers its `reportId`.
    public func submit(_ reportXML: String) async throws(ReportingError) -> ReportResponse {
        try await call("submit", contentType: "text/xml; charset=utf-8", body: Array(reportXML.utf8))
    }

    /// `POST /upload` (multipart `id`, `file`): answers the `fileId` and the MD5 NCMEC computed.
    public func upload(reportID: String, fileName: String, bytes: [UInt8]) async throws(ReportingError) -> ReportResponse {
        let boundary = "vigil-" + UUID().uuidString
        let safeName = fileName.map { "\"\\\r\n".contains($0) ? "_" : $0 }
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n\(reportID)\r\n".utf8)
        body += Array(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(String(safeName))\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").utf8)
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return try await call("upload", contentType: "multipart/form-data; boundary=\(boundary)", body: body)
    }

    /// `POST /fileinfo` with a `<fileDetails>`.
    public func fileInfo(_ fileDetailsXML: String) async throws(ReportingError) -> ReportResponse {
        try await call("fileinfo", contentType: "text/xml; charset=utf-8", body: Array(fileDetailsXML.utf8))
    }

    /// `POST /finish`: files the report. Answers the report id again.
    public func finish(reportID: String) async throws(ReportingError) -> ReportResponse {
        try await call("finish", contentType: "application/x-www-form-urlencoded", body: Array(formID(reportID).utf8))
    }

    /// `POST /retract`: withdraws an unfinished report.
    public func retract(reportID: String) async throws(ReportingError) -> ReportResponse {
        try await call("retract", contentType: "application/x-www-form-urlencoded", body: Array(formID(reportID).utf8))
    }

    private func formID(_ id: String) -> String {
        "id=" + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    private func call(_ path: String, method: HTTPMethod = .POST, contentType: String?, body: [UInt8])
        async throws(ReportingError) -> ReportResponse
    {
        var request = HTTPClientRequest(url: credentials.baseURL + "/" + path)
        request.method = method
        request.headers.add(name: "Authorization", value: credentials.authorization)
        request.headers.add(name: "User-Agent", value: "vigil-cybertip")
        request.headers.add(name: "Accept", value: "text/xml")
        if let contentType {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: UInt
        let text: String
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = response.status.code
            let buffer = try await response.body.collect(upTo: ReportResponse.maxBytes)
            text = String(buffer: buffer)
        } catch {
            throw ReportingError(.transport, "\(path): the CyberTipline service could not be reached (\(type(of: error)))")
        }
        if let parsed = try? ReportResponse.parse(text) { return parsed }
        switch status {
        case 401: return ReportResponse(code: 2000, description: "HTTP 401: authentication required", raw: text)
        case 403: return ReportResponse(code: 3000, description: "HTTP 403: not authorised", raw: text)
        case 200..<300: throw ReportingError(.protocolError, "\(path): the answer is not a <reportResponse>")
        default: throw ReportingError(.transport, "\(path): HTTP \(status) without a <reportResponse>")
        }
    }
}
