import Foundation
import Hummingbird
import Logging
import VigilMedia
import VigilStore

/// What `vigil serve` runs with.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Database, index cache and (later) evidence live here.
    public var dataDirectory: String
    public var limits: MediaLimits
    /// The largest media body accepted.
    public var maxBodyBytes: Int
    /// The largest JSON body accepted.
    public var maxJSONBytes: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./vigil-data",
        limits: MediaLimits = MediaLimits(maxBytes: 64 << 20), maxBodyBytes: Int = 64 << 20, maxJSONBytes: Int = 16 << 20
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.limits = limits
        self.maxBodyBytes = maxBodyBytes
        self.maxJSONBytes = maxJSONBytes
    }

    public var databasePath: String { dataDirectory + "/vigil.sqlite" }
}

/// Builds the Vigil HTTP application: API-key auth, the versioned JSON API and health checks.
/// The embedded store is opened (and migrated) from `configuration.dataDirectory`.
public func buildApplication(_ configuration: ServerConfiguration, logger: Logger = Logger(label: "vigil")) throws
    -> some ApplicationProtocol
{
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
    let store = try SQLiteBankStore(path: configuration.databasePath)
    let router = Router(context: VigilRequestContext.self)
    router.add(middleware: MethodMiddleware())
    router.add(middleware: APIKeyMiddleware(keys: store))
    Routes(
        configuration: configuration, store: store,
        matchers: MatcherCache(store: store, cacheDirectory: configuration.dataDirectory + "/index-cache")
    ).register(on: router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vigil"),
        logger: logger)
}
