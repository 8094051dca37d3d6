// swift-tools-version:6.0
import PackageDescription

/// Hot numeric paths are built for x86-64-v2 (SSE4.2 + POPCNT), never `-march=native`.
let hotPathFlags: [SwiftSetting] = [
    .unsafeFlags(["-Xcc", "-march=x86-64-v2"], .when(platforms: [.linux]))
]

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .library(name: "VigilMedia", targets: ["VigilMedia"]),
        .library(name: "VigilHashing", targets: ["VigilHashing"]),
        .library(name: "VigilIndex", targets: ["VigilIndex"]),
        .library(name: "VigilStore", targets: ["VigilStore"]),
        .library(name: "VigilWatermark", targets: ["VigilWatermark"]),
        .library(name: "VigilProvenance", targets: ["VigilProvenance"]),
        .library(name: "VigilCore", targets: ["VigilCore"]),
        .library(name: "VigilServer", targets: ["VigilServer"]),
        .library(name: "VigilTriage", targets: ["VigilTriage"]),
        .library(name: "VigilTakedown", targets: ["VigilTakedown"]),
        .library(name: "VigilReporting", targets: ["VigilReporting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(name: "CImageCodecs", path: "Sources/CImageCodecs"),
        .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),
        .systemLibrary(
            name: "CFFmpeg", path: "Sources/CFFmpeg", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),
        .systemLibrary(name: "CVigilZlib", path: "Sources/CVigilZlib"),
        .target(
            name: "VigilMedia",
            dependencies: ["CImageCodecs", "CFFmpeg"],
            swiftSettings: strictSettings + hotPathFlags
        ),
        .target(
            name: "VigilHashing",
            dependencies: ["VigilMedia", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings + hotPathFlags
        ),
        .target(
            name: "VigilIndex",
            dependencies: ["VigilHashing", "CPrefetch"],
            swiftSettings: strictSettings + hotPathFlags
        ),
        .target(
            name: "VigilStore",
            dependencies: [
                "VigilIndex", "VigilHashing", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilServer",
            dependencies: [
                "VigilCore", "VigilStore", "VigilIndex", "VigilHashing", "VigilMedia", "VigilWatermark", "VigilProvenance",
                "VigilTakedown",
                "VigilReporting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilWatermark",
            dependencies: ["VigilMedia"],
            swiftSettings: strictSettings + hotPathFlags
        ),
        .target(
            name: "VigilProvenance",
            dependencies: [
                "CVigilZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilCore",
            dependencies: [
                "VigilMedia", "VigilHashing", "VigilIndex", "VigilStore", "VigilWatermark", "VigilProvenance",
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilTriage",
            dependencies: [
                "VigilCore", "VigilMedia", "VigilHashing", "VigilIndex", "VigilStore", "VigilWatermark", "CImageCodecs",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VigilReporting",
            dependencies: [
                "VigilIndex", "VigilStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore", "VigilMedia", "VigilHashing", "VigilIndex", "VigilStore", "VigilServer", "VigilWatermark",
                "VigilTriage", "VigilProvenance", "VigilTakedown", "VigilReporting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "vigil-bench",
            dependencies: ["VigilCore", "VigilIndex", "VigilHashing", "VigilMedia", "VigilWatermark", "VigilStore"],
            path: "Benchmarks/vigil-bench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "vigil-provenance-bench",
            dependencies: ["VigilProvenance"],
            path: "Benchmarks/vigil-provenance-bench",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "VigilMediaTests", dependencies: ["VigilMedia", "CImageCodecs"], swiftSettings: strictSettings),
        .testTarget(
            name: "VigilHashingTests",
            dependencies: ["VigilHashing", "VigilMedia"],
            resources: [.copy("Vectors")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "VigilIndexTests", dependencies: ["VigilIndex", "VigilHashing"], swiftSettings: strictSettings),
        .testTarget(
            name: "VigilStoreTests",
            dependencies: [
                "VigilStore", "VigilIndex", "VigilHashing", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: strictSettings),
        .testTarget(
            name: "VigilServerTests",
            dependencies: [
                "VigilServer", "VigilStore", "VigilCore", "VigilIndex", "VigilHashing", "VigilMedia", "VigilTakedown",
                "VigilReporting", "VigilTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilWatermarkTests", dependencies: ["VigilWatermark", "VigilMedia", "VigilCore"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "VigilProvenanceTests",
            dependencies: [
                "VigilProvenance", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings),
        .target(name: "VigilTestSupport", path: "Tests/VigilTestSupport", swiftSettings: strictSettings),
        .testTarget(
            name: "VigilCoreTests",
            dependencies: [
                "VigilCore", "VigilMedia", "VigilHashing", "VigilIndex", "VigilStore", "VigilWatermark", "VigilProvenance",
                "VigilTestSupport",
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "VigilTriageTests",
            dependencies: [
                "VigilTriage", "VigilCore", "VigilMedia", "VigilHashing", "VigilIndex", "VigilStore",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSettings),
        .target(
            name: "VigilTakedown",
            dependencies: [
                "VigilCore", "VigilStore", "VigilHashing", "VigilIndex",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VigilTakedownTests",
            dependencies: [
                "VigilTakedown", "VigilStore", "VigilCore", "VigilHashing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "VigilReportingTests",
            dependencies: ["VigilReporting", "VigilStore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
