import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
import VigilStore
import VigilTakedown

/// What the fake server saw: the commands, and the DATA payload as received (still dot-stuffed).
final class SMTPRecorder: Sendable {
    let commands = Mutex<[String]>([])
    let data = Mutex("")
}

/// A scripted SMTP server: answers each command with the reply given for its verb (250 by
/// default; "." is the reply to the end of DATA) and records what it saw.
final class FakeSMTPServer: Sendable {
    let port: Int
    let recorder = SMTPRecorder()
    private let channel: any Channel

    init(replies: [String: String] = [:]) async throws {
        let recorder = self.recorder
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(FakeSMTPHandler(replies: replies, recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
    }

    var commands: [String] { recorder.commands.withLock { $0 } }
    var data: String { recorder.data.withLock { $0 } }

    func stop() async { try? await channel.close() }
}

final class FakeSMTPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let replies: [String: String]
    let recorder: SMTPRecorder
    private let buffer = Mutex<(text: String, inData: Bool)>(("", false))

    init(replies: [String: String], recorder: SMTPRecorder) {
        self.replies = replies
        self.recorder = recorder
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context, "220 fake.test ESMTP ready")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Self.unwrapInboundIn(data)
        let lines: [(String, Bool)] = buffer.withLock { b in
            b.text += String(buffer: bytes)
            var out: [(String, Bool)] = []
            while let range = b.text.range(of: "\r\n") {
                let line = String(b.text[..<range.lowerBound])
                b.text = String(b.text[range.upperBound...])
                out.append((line, b.inData))
                if b.inData, line == "." { b.inData = false }
            }
            return out
        }
        for (line, inData) in lines {
            if inData {
                if line == "." {
                    send(context, replies["."] ?? "250 2.0.0 queued")
                } else {
                    recorder.data.withLock { $0 += line + "\r\n" }
                }
                continue
            }
            let verb = String(line.prefix(while: { $0 != " " && $0 != ":" })).uppercased()
            recorder.commands.withLock { $0.append(line) }
            switch verb {
            case "EHLO": send(context, replies["EHLO"] ?? "250-fake.test\r\n250-8BITMIME\r\n250 SIZE 1000000")
            case "DATA":
                let reply = replies["DATA"] ?? "354 go ahead"
                if reply.hasPrefix("354") { buffer.withLock { $0.inData = true } }
                send(context, reply)
            case "QUIT":
                send(context, "221 bye")
                context.close(promise: nil)
            default: send(context, replies[verb] ?? "250 ok")
            }
        }
    }

    private func send(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}

/// A deadline for conversations that must succeed: generous, because the full suite can keep the
/// cooperative threads busy with CPU-heavy conformance tests for tens of seconds.
let patientSeconds = 600.0

@Test("the SMTP client speaks EHLO/MAIL/RCPT/DATA/QUIT, dot-stuffs the body and the notice carries its fields")
func smtpDelivery() async throws {
    let server = try await FakeSMTPServer()
    let record = try SQLiteBankStore().createTakedown(
        TakedownDraft(
            url: "http://files.example.net/a/b.jpg", host: "files.example.net", source: .api, status: .pending,
            caseRef: "VGL-ABC123", sha256: String(repeating: "ab", count: 32), createdBy: "test"))
    var notice = TakedownNotice(record: record, escalation: false, organisation: "Test Hotline")
    notice.pdq = String(repeating: "f0", count: 32)
    let message = notice.email(from: "notices@hotline.test", to: "abuse@host.test") + ".leading dot line\r\n"
    try await SMTPClient(
        settings: SMTPSettings(
            host: "127.0.0.1", port: server.port, from: "notices@hotline.test", timeoutSeconds: patientSeconds)
    )
    .send(message, to: ["abuse@host.test"])
    let commands = server.commands
    #expect(commands.first?.hasPrefix("EHLO ") == true)
    #expect(commands.contains("MAIL FROM:<notices@hotline.test>"))
    #expect(commands.contains("RCPT TO:<abuse@host.test>"))
    #expect(commands.contains("DATA"))
    let data = server.data
    #expect(data.contains("From: notices@hotline.test\r\n"))
    #expect(data.contains("To: abuse@host.test\r\n"))
    #expect(data.contains("Subject: Abuse report VGL-ABC123"))
    #expect(data.contains("http://files.example.net/a/b.jpg"))
    #expect(data.contains("SHA-256:        " + String(repeating: "ab", count: 32)))
    #expect(data.contains("PDQ:            " + String(repeating: "f0", count: 32)))
    #expect(data.contains("X-Vigil-Case: VGL-ABC123\r\n"))
    // The server sees the stuffed line (a real one removes the extra dot).
    #expect(data.contains("\r\n..leading dot line\r\n"))
    await server.stop()
}

@Test(
    "the SMTP client fails with the stage and code the relay refused at",
    arguments: [("MAIL", "mail", 451), ("RCPT", "rcpt", 550), ("DATA", "data", 554), (".", "message", 552)])
func smtpRefusals(verb: String, stage: String, code: Int) async throws {
    let server = try await FakeSMTPServer(replies: [verb: "\(code) 5.0.0 no"])
    do {
        try await SMTPClient(
            settings: SMTPSettings(
                host: "127.0.0.1", port: server.port, from: "a@b.test", timeoutSeconds: patientSeconds)
        )
        .send("Subject: x\r\n\r\nbody\r\n", to: ["c@d.test"])
        Issue.record("the refusal was not reported")
    } catch {
        #expect(error.stage == stage)
        #expect(error.code == code)
    }
    await server.stop()
}

@Test("dot-stuffing doubles leading dots, normalises line ends and terminates the data")
func dotStuffing() {
    #expect(SMTPClient.dotStuffed("a\n.b\r\n..c\rd") == "a\r\n..b\r\n...c\r\nd\r\n.\r\n")
    #expect(SMTPClient.dotStuffed(".") == "..\r\n.\r\n")
}

@Test("a relay that is not listening is a connect error", .timeLimit(.minutes(1)))
func smtpConnectFailure() async throws {
    let server = try await FakeSMTPServer()
    let port = server.port
    await server.stop()
    await #expect(throws: SMTPError.self) {
        try await SMTPClient(settings: SMTPSettings(host: "127.0.0.1", port: port, from: "a@b.test", timeoutSeconds: 5))
            .send("x", to: ["c@d.test"])
    }
}

@Test(
    "email addresses with line breaks, brackets or no domain are refused",
    arguments: [
        ("abuse@example.net", true), ("a.b+c@x.y", true), ("abuse@example.net\r\nBcc: x@y", false), ("<a@b>", false),
        ("no-at-sign", false), ("a@", false), ("@b", false), ("a@b..c", false), ("a b@c.d", false),
    ])
func emailAddresses(text: String, valid: Bool) {
    #expect(EmailAddress.isValid(text) == valid)
}
