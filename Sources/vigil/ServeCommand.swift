import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VigilMedia
import VigilServer
import VigilStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the scanning service: hashing, matching and bank management over a JSON API.",
        discussion: """
            Endpoints: /healthz and /readyz (open), /openapi.json (open), POST /v1/hash, POST /v1/scan, \
            POST /v1/lookup, /v1/banks, /v1/banks/{name}, /v1/banks/{name}/entries. Every /v1 endpoint needs an \
            API key (Authorization: Bearer <key>) with the right scope; create keys with `vigil keys create`. \
            Stops gracefully on SIGINT/SIGTERM.
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Data directory (database, index cache).") var data = "./vigil-data"
    @Option(help: "Largest request body accepted, in bytes.") var maxBodyBytes = 64 << 20

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "vigil")
        logger.logLevel = .info
        let configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: data, limits: .init(maxBytes: maxBodyBytes), maxBodyBytes: maxBodyBytes)
        let app = try buildApplication(configuration, logger: logger)
        try await app.runService()
    }
}

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys for `vigil serve` (only a SHA-256 of each key is stored).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key; the key itself is printed once, alone on the last line.")
        @OptionGroup var store: DataOptions
        @Option(help: "A name for the key.") var name: String
        @Option(help: "Comma-separated scopes: \(APIScope.allCases.map(\.rawValue).joined(separator: ", ")).") var scopes: String

        func run() throws {
            var parsed: Set<APIScope> = []
            for text in scopes.split(separator: ",") {
                guard let scope = APIScope(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError(
                        "unknown scope \"\(text)\"; known: \(APIScope.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parsed.insert(scope)
            }
            let (record, secret) = try store.openStore(create: true).createKey(name: name, scopes: parsed)
            print("created key \(record.name) with scopes \(record.scopes.map(\.rawValue).sorted().joined(separator: ","))")
            print(secret)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var store: DataOptions

        func run() throws {
            for key in try store.openStore(create: false).keys() {
                print(
                    "\(key.name)\tvgl_\(key.prefix)_…\t\(key.scopes.map(\.rawValue).sorted().joined(separator: ","))\t\(key.createdAt)\(key.revoked ? "\trevoked" : "")"
                )
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by name.")
        @OptionGroup var store: DataOptions
        @Argument(help: "Key name.") var name: String

        func run() throws {
            try store.openStore(create: false).revokeKey(named: name)
            print("revoked key \(name)")
        }
    }
}
