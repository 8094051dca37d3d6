import Foundation

/// CyberTipline settings of `vigil serve`: where reports go (NCMEC's test service unless set),
/// as whom, and the reporter template every draft carries. The password comes from
/// `VIGIL_CYBERTIP_PASSWORD` or a file (`password_file` / `VIGIL_CYBERTIP_PASSWORD_FILE`), never
/// from the configuration file itself, and is never printed.
public struct CyberTipSettings: Sendable, CustomStringConvertible {
    public var baseURL: String
    public var username: String?
    public var password: String?
    public var passwordFile: String?
    public var reporter: CyberTipReport.Reporter
    public var maxAttempts: Int

    public init(
        baseURL: String = CyberTipCredentials.testURL, username: String? = nil, password: String? = nil,
        passwordFile: String? = nil, reporter: CyberTipReport.Reporter = .init(), maxAttempts: Int = 12
    ) {
        self.baseURL = baseURL
        self.username = username
        self.password = password
        self.passwordFile = passwordFile
        self.reporter = reporter
        self.maxAttempts = maxAttempts
    }

    public var description: String {
        "CyberTipSettings(\(baseURL), user: \(username ?? "none"), password: \(password == nil && passwordFile == nil ? "none" : "<redacted>"))"
    }

    /// The configuration file's `cybertip` object.
    public struct File: Decodable, Sendable {
        public var url: String?
        public var username: String?
        public var passwordFile: String?
        public var reporter: ReporterFile?
        public var maxAttempts: Int?
        enum CodingKeys: String, CodingKey {
            case url, username, reporter
            case passwordFile = "password_file", maxAttempts = "max_attempts"
        }
    }

    /// The reporter template as the file spells it (snake_case).
    public struct ReporterFile: Decodable, Sendable {
        var firstName, lastName, email, phone, companyTemplate, legalURL: String?
        enum CodingKeys: String, CodingKey {
            case email, phone
            case firstName = "first_name", lastName = "last_name", companyTemplate = "company_template"
            case legalURL = "legal_url"
        }
    }

    public mutating func apply(_ file: File) {
        if let v = file.url { baseURL = v }
        if let v = file.username { username = v }
        if let v = file.passwordFile { passwordFile = v }
        if let r = file.reporter {
            reporter = CyberTipReport.Reporter(
                firstName: r.firstName, lastName: r.lastName, email: r.email, phone: r.phone, companyTemplate: r.companyTemplate,
                legalUrl: r.legalURL)
        }
        if let v = file.maxAttempts { maxAttempts = v }
    }

    /// `VIGIL_CYBERTIP_URL`, `_USERNAME`, `_PASSWORD`, `_PASSWORD_FILE`, `_REPORTER_FIRST_NAME`,
    /// `_REPORTER_LAST_NAME`, `_REPORTER_EMAIL`, `_REPORTER_PHONE`, `_COMPANY`.
    public mutating func apply(environment env: [String: String]) {
        if let v = env["VIGIL_CYBERTIP_URL"] { baseURL = v }
        if let v = env["VIGIL_CYBERTIP_USERNAME"] { username = v }
        if let v = env["VIGIL_CYBERTIP_PASSWORD"] { password = v }
        if let v = env["VIGIL_CYBERTIP_PASSWORD_FILE"] { passwordFile = v }
        if let v = env["VIGIL_CYBERTIP_REPORTER_FIRST_NAME"] { reporter.firstName = v }
        if let v = env["VIGIL_CYBERTIP_REPORTER_LAST_NAME"] { reporter.lastName = v }
        if let v = env["VIGIL_CYBERTIP_REPORTER_EMAIL"] { reporter.email = v }
        if let v = env["VIGIL_CYBERTIP_REPORTER_PHONE"] { reporter.phone = v }
        if let v = env["VIGIL_CYBERTIP_COMPANY"] { reporter.companyTemplate = v }
    }

    /// Checks the URL and limits; names the source in the message.
    public func validate(source: String) throws(ReportingError) {
        guard let url = URL(string: baseURL), url.scheme == "https" || url.scheme == "http", url.host != nil else {
            throw ReportingError(.invalidDraft, "\(source): cybertip.url must be an http(s) URL")
        }
        guard (1...100).contains(maxAttempts) else {
            throw ReportingError(.invalidDraft, "\(source): cybertip.max_attempts must be 1–100")
        }
    }

    /// The credentials, when a username is set: the password from the environment or its file
    /// (trailing newline dropped). nil → reports can be drafted but are not sent.
    public func credentials() throws(ReportingError) -> CyberTipCredentials? {
        guard let username, !username.isEmpty else { return nil }
        var secret = password
        if secret == nil, let path = passwordFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReportingError(.invalidDraft, "\(path): cannot read the CyberTipline password file")
            }
            secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        guard let secret, !secret.isEmpty else {
            throw ReportingError(
                .invalidDraft, "the CyberTipline username is set but no password: set VIGIL_CYBERTIP_PASSWORD(_FILE)")
        }
        return CyberTipCredentials(baseURL: baseURL, username: username, password: secret)
    }
}
