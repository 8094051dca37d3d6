import Foundation

/// The one error type of `VigilReporting`: a code, a message for a person, never content or list hashes.
public struct ReportingError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        /// The draft misses a required field or carries a malformed one.
        public static let invalidDraft = Code("invalid_draft")
        /// The service's answer could not be read.
        public static let protocolError = Code("protocol")
        /// The service could not be reached, or answered with an HTTP error.
        public static let transport = Code("transport")
        /// Evidence bytes for a file are gone.
        public static let missingEvidence = Code("missing_evidence")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// A CyberTipline report draft: everything `<report>` and the files' `<fileDetails>` carry.
/// Stored as JSON with the draft; `CyberTipXML` writes it in the schema's element order.
public struct CyberTipReport: Codable, Sendable, Equatable {
    public var incident: Incident
    public var internet: InternetDetails?
    public var reporter: Reporter
    public var reported: ReportedUser?
    public var files: [ReportFile]

    public init(
        incident: Incident, internet: InternetDetails? = nil, reporter: Reporter, reported: ReportedUser? = nil,
        files: [ReportFile]
    ) {
        self.incident = incident
        self.internet = internet
        self.reporter = reporter
        self.reported = reported
        self.files = files
    }

    /// NCMEC's incident types (the schema's enumeration).
    public enum IncidentType: String, Codable, Sendable, CaseIterable {
        case childPornography = "Child Pornography (possession, manufacture, and distribution)"
        case childSexTrafficking = "Child Sex Trafficking"
        case childSexTourism = "Child Sex Tourism"
        case childSexualMolestation = "Child Sexual Molestation"
        case misleadingDomainName = "Misleading Domain Name"
        case misleadingWordsOrImages = "Misleading Words or Digital Images on the Internet"
        case onlineEnticement = "Online Enticement of Children for Sexual Acts"
        case unsolicitedObsceneMaterial = "Unsolicited Obscene Material Sent to a Child"
    }

    public struct Incident: Codable, Sendable, Equatable {
        public var type: IncidentType
        /// ISO 8601 with a zone (`xs:dateTime`): when the incident happened (the upload).
        public var dateTime: String
        public var dateTimeDescription: String?

        public init(type: IncidentType, dateTime: String, dateTimeDescription: String? = nil) {
            self.type = type
            self.dateTime = dateTime
            self.dateTimeDescription = dateTimeDescription
        }
    }

    /// Where on the service the incident happened: exactly one kind.
    public struct InternetDetails: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case webPage = "web_page", email, chatIm = "chat_im" }
        public var kind: Kind
        /// `web_page`: the URLs; `email`: the addresses.
        public var values: [String]
        /// `chat_im`: the client and the room.
        public var chatClient: String?
        public var chatRoomName: String?

        enum CodingKeys: String, CodingKey { case kind, values, chatClient, chatRoomName }

        /// `values` defaults to none (chat_im needs only the client).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decode(Kind.self, forKey: .kind)
            values = try c.decodeIfPresent([String].self, forKey: .values) ?? []
            chatClient = try c.decodeIfPresent(String.self, forKey: .chatClient)
            chatRoomName = try c.decodeIfPresent(String.self, forKey: .chatRoomName)
        }

        public init(kind: Kind, values: [String] = [], chatClient: String? = nil, chatRoomName: String? = nil) {
            self.kind = kind
            self.values = values
            self.chatClient = chatClient
            self.chatRoomName = chatRoomName
        }
    }

    /// The reporting person (from the company template in the configuration).
    public struct Reporter: Codable, Sendable, Equatable {
        public var firstName: String?
        public var lastName: String?
        public var email: String?
        public var phone: String?
        public var companyTemplate: String?
        public var legalUrl: String?

        public init(
            firstName: String? = nil, lastName: String? = nil, email: String? = nil, phone: String? = nil,
            companyTemplate: String? = nil, legalUrl: String? = nil
        ) {
            self.firstName = firstName
            self.lastName = lastName
            self.email = email
            self.phone = phone
            self.companyTemplate = companyTemplate
            self.legalUrl = legalUrl
        }
    }

    /// The account reported: the service's identifier, its screen name, and IP capture events.
    public struct ReportedUser: Codable, Sendable, Equatable {
        public var email: String?
        public var espIdentifier: String?
        public var screenName: String?
        public var displayName: String?
        public var ipCaptureEvents: [IPCaptureEvent]

        public init(
            email: String? = nil, espIdentifier: String? = nil, screenName: String? = nil, displayName: String? = nil,
            ipCaptureEvents: [IPCaptureEvent] = []
        ) {
            self.email = email
            self.espIdentifier = espIdentifier
            self.screenName = screenName
            self.displayName = displayName
            self.ipCaptureEvents = ipCaptureEvents
        }

        enum CodingKeys: String, CodingKey { case email, espIdentifier, screenName, displayName, ipCaptureEvents }

        /// Every field optional in requests (`ip_capture_events` defaults to none).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            email = try c.decodeIfPresent(String.self, forKey: .email)
            espIdentifier = try c.decodeIfPresent(String.self, forKey: .espIdentifier)
            screenName = try c.decodeIfPresent(String.self, forKey: .screenName)
            displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
            ipCaptureEvents = try c.decodeIfPresent([IPCaptureEvent].self, forKey: .ipCaptureEvents) ?? []
        }

        public var isEmpty: Bool {
            email == nil && espIdentifier == nil && screenName == nil && displayName == nil && ipCaptureEvents.isEmpty
        }
    }

    public struct IPCaptureEvent: Codable, Sendable, Equatable {
        public enum EventName: String, Codable, Sendable, CaseIterable {
            case login = "Login", registration = "Registration", purchase = "Purchase", upload = "Upload"
            case other = "Other", unknown = "Unknown"
        }
        public var ipAddress: String
        public var eventName: EventName?
        /// ISO 8601 with a zone.
        public var dateTime: String?
        public var possibleProxy: Bool?

        public init(ipAddress: String, eventName: EventName? = nil, dateTime: String? = nil, possibleProxy: Bool? = nil) {
            self.ipAddress = ipAddress
            self.eventName = eventName
            self.dateTime = dateTime
            self.possibleProxy = possibleProxy
        }
    }

    /// NCMEC's file annotations (`generativeAi`: believed to be AI-generated).
    public enum FileAnnotation: String, Codable, Sendable, CaseIterable {
        case animeDrawingVirtualHentai, physicalHarm, violenceGore, bestiality, liveStreaming, infant
        case generativeAi, potentialMeme, viral, possibleSelfProduction
    }

    /// One reported file: what `<fileDetails>` says about it, and where its bytes are kept.
    public struct ReportFile: Codable, Sendable, Equatable {
        /// The review item it came from.
        public var itemId: String
        /// The encrypted evidence record holding the bytes to upload.
        public var evidenceId: String?
        public var originalFileName: String
        /// Whether a person at the service viewed the file itself (a reveal in the console), not a blurred preview.
        public var viewedByEsp: Bool
        public var exifViewedByEsp: Bool?
        public var publiclyAvailable: Bool?
        /// `Reported`, `Supplemental Reported` or `Supplemental`.
        public var relevance: String
        public var annotations: [FileAnnotation]
        /// A1, A2, B1 or B2 (the industry classification of the confirmed category); nil for others.
        public var industryClassification: String?
        /// MD5 of the file, as NCMEC's `originalFileHash hashType="MD5"`.
        public var md5: String
        /// Why the annotations are there (not sent; shown to the reviewer of the draft).
        public var annotationEvidence: [String]

        public init(
            itemId: String, evidenceId: String?, originalFileName: String, viewedByEsp: Bool, exifViewedByEsp: Bool? = nil,
            publiclyAvailable: Bool? = nil, relevance: String = "Reported", annotations: [FileAnnotation] = [],
            industryClassification: String?, md5: String, annotationEvidence: [String] = []
        ) {
            self.itemId = itemId
            self.evidenceId = evidenceId
            self.originalFileName = originalFileName
            self.viewedByEsp = viewedByEsp
            self.exifViewedByEsp = exifViewedByEsp
            self.publiclyAvailable = publiclyAvailable
            self.relevance = relevance
            self.annotations = annotations
            self.industryClassification = industryClassification
            self.md5 = md5
            self.annotationEvidence = annotationEvidence
        }
    }

    /// Every problem that would get the report refused, in one message; nil when none.
    public func problems() -> [String] {
        var problems: [String] = []
        func text(_ value: String?) -> String? {
            guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return value
        }
        if !Self.isDateTime(incident.dateTime) { problems.append("incident.date_time must be an ISO 8601 time with a zone") }
        if let email = text(reporter.email) {
            if !Self.isEmail(email) { problems.append("reporter.email is not an email address") }
        } else {
            problems.append("reporter.email is required (NCMEC rejects a report without the reporting person's email)")
        }
        if text(reporter.firstName) == nil || text(reporter.lastName) == nil {
            problems.append("reporter.first_name and reporter.last_name are required")
        }
        if let internet {
            switch internet.kind {
            case .webPage, .email:
                if internet.values.compactMap({ text($0) }).isEmpty {
                    problems.append("internet.values needs at least one entry")
                }
                if internet.kind == .email, !internet.values.allSatisfy(Self.isEmail) {
                    problems.append("internet.values must be email addresses")
                }
            case .chatIm:
                if text(internet.chatClient) == nil { problems.append("internet.chat_client is required for chat_im") }
            }
        }
        if let reported {
            for event in reported.ipCaptureEvents {
                if !Self.isIPAddress(event.ipAddress) { problems.append("an IP capture event's ip_address is not an IP address") }
                if let time = event.dateTime, !Self.isDateTime(time) {
                    problems.append("an IP capture event's date_time must be an ISO 8601 time with a zone")
                }
            }
            if let email = reported.email, !Self.isEmail(email) { problems.append("reported.email is not an email address") }
        }
        if files.isEmpty { problems.append("a report needs at least one file") }
        for file in files {
            if !Self.isMD5(file.md5) { problems.append("file \(file.itemId) has no MD5 (32 hex digits)") }
            if text(file.originalFileName) == nil { problems.append("file \(file.itemId) has no original_file_name") }
            if let c = file.industryClassification, !["A1", "A2", "B1", "B2"].contains(c) {
                problems.append("file \(file.itemId): industry_classification must be A1, A2, B1 or B2")
            }
            if !["Reported", "Supplemental Reported", "Supplemental"].contains(file.relevance) {
                problems.append("file \(file.itemId): relevance must be Reported, Supplemental Reported or Supplemental")
            }
            if file.evidenceId == nil { problems.append("file \(file.itemId) has no preserved evidence to upload") }
        }
        return problems
    }

    /// Throws `invalidDraft` naming every problem.
    public func validate() throws(ReportingError) {
        let problems = problems()
        guard problems.isEmpty else { throw ReportingError(.invalidDraft, problems.joined(separator: "; ")) }
    }

    static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return s.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !s.contains(where: { $0.isWhitespace || $0 == "<" })
    }

    static func isMD5(_ s: String) -> Bool { s.utf8.count == 32 && s.allSatisfy(\.isHexDigit) }

    static func isIPAddress(_ s: String) -> Bool {
        let v4 = s.split(separator: ".", omittingEmptySubsequences: false)
        if v4.count == 4, v4.allSatisfy({ $0.count <= 3 && UInt8($0) != nil }) { return true }
        return s.contains(":") && s.count <= 45 && s.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }

    /// `xs:dateTime` with an explicit zone (`Z` or `±hh:mm`).
    static func isDateTime(_ s: String) -> Bool {
        (try? Date.ISO8601FormatStyle().parse(s)) != nil
            || (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(s)) != nil
    }
}
