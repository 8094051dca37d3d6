import Foundation
import NIOCore
import NIOPosix

/// Where notices are relayed: a trusted SMTP relay (a local MTA or the organisation's smarthost).
/// The client speaks plain SMTP (EHLO, MAIL, RCPT, DATA, QUIT); TLS and AUTH are the relay's job.
public struct SMTPSettings: Sendable, Codable, Equatable {
    public var host: String
    public var port: Int
    /// The envelope sender and `From:` address of notices.
    public var from: String
    /// The name given in EHLO.
    public var heloName: String
    public var timeoutSeconds: Double

    public init(host: String, port: Int = 25, from: String, heloName: String = "vigil.localhost", timeoutSeconds: Double = 30) {
        self.host = host
        self.port = port
        self.from = from
        self.heloName = heloName
        self.timeoutSeconds = timeoutSeconds
    }

    enum CodingKeys: String, CodingKey { case host, port, from, heloName = "helo_name", timeoutSeconds = "timeout_seconds" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decode(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? 25
        from = try c.decode(String.self, forKey: .from)
        heloName = try c.decodeIfPresent(String.self, forKey: .heloName) ?? "vigil.localhost"
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? 30
    }
}

/// An SMTP failure: the stage, and the server's reply code when there was one. Messages carry
/// no part of the notice.
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var stage: String
    public var code: Int?
    public var message: String

    public init(stage: String, code: Int? = nil, _ message: String) {
        self.stage = stage
        self.code = code
        self.message = message
    }

    public var description: String { "SMTP \(stage): " + (code.map { "\($0) " } ?? "") + message }
}

/// One SMTP reply: a code and its (possibly multi-line) text.
public struct SMTPReply: Sendable, Equatable {
    public var code: Int
    public var lines: [String]
}

/// A minimal SMTP client over SwiftNIO: one connection per message, every reply checked, the
/// body dot-stuffed (RFC 5321 §4.5.2) and CRLF-normalised, a deadline on the whole exchange.
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings

    public init(settings: SMTPSettings) { self.settings = settings }

    /// Sends `message` (headers and body, RFC 5322) from `settings.from` to `recipients`.
    public func send(_ message: String, to recipients: [String]) async throws(SMTPError) {
        guard !recipients.isEmpty else { throw SMTPError(stage: "rcpt", "no recipient") }
        for address in [settings.from] + recipients where !EmailAddress.isValid(address) {
            throw SMTPError(stage: "envelope", "an address is malformed")
        }
        let deadline = NIODeadline.now() + .milliseconds(Int64(settings.timeoutSeconds * 1000))
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(Int64(min(settings.timeoutSeconds, 10) * 1000)))
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError(stage: "connect", "cannot connect to the relay \(settings.host):\(settings.port)")
        }
        do {
            try await withDeadline(deadline, channel: channel.channel) {
                try await channel.executeThenClose { inbound, outbound in
                    var lines = inbound.makeAsyncIterator()
                    func reply(_ stage: String) async throws(SMTPError) -> SMTPReply {
                        var text: [String] = []
                        while true {
                            let next: ByteBuffer?
                            do { next = try await lines.next() } catch {
                                throw SMTPError(stage: stage, "the connection failed")
                            }
                            guard let buffer = next else { throw SMTPError(stage: stage, "the relay closed the connection") }
                            let line = String(buffer: buffer)
                            guard line.utf8.count >= 3, let code = Int(line.prefix(3)) else {
                                throw SMTPError(stage: stage, "a malformed reply")
                            }
                            text.append(String(line.dropFirst(4)))
                            // "250-" continues a multi-line reply; "250 " (or a bare "250") ends it.
                            if line.utf8.count == 3
                                || line.utf8[line.utf8.index(line.utf8.startIndex, offsetBy: 3)] != UInt8(ascii: "-")
                            {
                                return SMTPReply(code: code, lines: text)
                            }
                            guard text.count < 100 else { throw SMTPError(stage: stage, "a reply of too many lines") }
                        }
                    }
                    func command(_ line: String, _ stage: String, expect: ClosedRange<Int>) async throws -> SMTPReply {
                        try await outbound.write(ByteBuffer(string: line + "\r\n"))
                        let answer = try await reply(stage)
                        guard expect.contains(answer.code) else {
                            throw SMTPError(stage: stage, code: answer.code, "the relay refused")
                        }
                        return answer
                    }
                    let greeting = try await reply("greeting")
                    guard greeting.code == 220 else { throw SMTPError(stage: "greeting", code: greeting.code, "not ready") }
                    let ehlo = try? await command("EHLO \(settings.heloName)", "ehlo", expect: 250...250)
                    if ehlo == nil { _ = try await command("HELO \(settings.heloName)", "helo", expect: 250...250) }
                    _ = try await command("MAIL FROM:<\(settings.from)>", "mail", expect: 250...250)
                    for recipient in recipients {
                        _ = try await command("RCPT TO:<\(recipient)>", "rcpt", expect: 250...251)
                    }
                    _ = try await command("DATA", "data", expect: 354...354)
                    try await outbound.write(ByteBuffer(string: Self.dotStuffed(message)))
                    let accepted = try await reply("message")
                    guard accepted.code == 250 else {
                        throw SMTPError(stage: "message", code: accepted.code, "the relay refused the message")
                    }
                    _ = try? await command("QUIT", "quit", expect: 221...221)
                }
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPError(stage: "exchange", "the SMTP exchange failed")
        }
    }

    /// The DATA payload: lines normalised to CRLF, a leading "." doubled on every line, and the
    /// terminating `CRLF.CRLF`.
    public static func dotStuffed(_ message: String) -> String {
        var out = ""
        out.reserveCapacity(message.utf8.count + 64)
        let normalised = message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalised.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        for line in lines {
            if line.hasPrefix(".") { out += "." }
            out += line
            out += "\r\n"
        }
        return out + ".\r\n"
    }

    /// Closes the channel (failing the exchange) when the deadline passes.
    private func withDeadline<T: Sendable>(
        _ deadline: NIODeadline, channel: any Channel, _ body: () async throws -> T
    ) async throws -> T {
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) { channel.close(promise: nil) }
        defer { timer.cancel() }
        do {
            return try await body()
        } catch {
            if NIODeadline.now() >= deadline { throw SMTPError(stage: "timeout", "the relay took too long") }
            throw error
        }
    }
}

/// Splits the relay's output into lines (CRLF or LF), each at most 4 KiB.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw SMTPError(stage: "reply", "a reply line longer than 4 KiB") }
            return .needMoreData
        }
        var line = buffer.readSlice(length: end - buffer.readerIndex)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
        }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Email address checks for envelopes and headers: no spaces, no angle brackets, no line
/// breaks (header injection), one `@`, a dotted or bracketed domain, at most 254 bytes.
public enum EmailAddress {
    public static func isValid(_ text: String) -> Bool {
        guard (3...254).contains(text.utf8.count) else { return false }
        let forbidden = Set(" \t\r\n<>()[]\\,;:\"".unicodeScalars)
        guard !text.unicodeScalars.contains(where: { forbidden.contains($0) || $0.value < 0x20 || $0.value == 0x7f })
        else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64, !parts[1].isEmpty else { return false }
        let domain = parts[1]
        return !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }
}
