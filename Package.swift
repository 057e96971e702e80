// swift-tools-version: 6.3
import PackageDescription

/// Settings shared by every target of ours (style.md section 1).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "chatshell",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chatshell", targets: ["ChatShell"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.0.0"),
        // Hummingbird's own transport, named so the server's connection guard may import NIO's HTTP types.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // Hummingbird's lifecycle, named for its UnixSignals: the server's and the bridge's SIGINT/SIGTERM.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // MARK: - C shims
        .systemLibrary(name: "CReadline", path: "Sources/CShims/CReadline", providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CShims/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CPoppler",
            path: "Sources/CShims/CPoppler",
            pkgConfig: "poppler-glib",
            providers: [.apt(["libpoppler-glib-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CShims/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(name: "CStemmer", path: "Sources/CShims/CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .systemLibrary(
            // zlib under its own name: ZIPFoundation's module map already defines `CZLib`.
            name: "CDeflate",
            path: "Sources/CShims/CDeflate",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/CShims/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),

        // MARK: - Modules, top to bottom (architecture.md section 1)
        .executableTarget(
            name: "ChatShell",
            dependencies: [
                "Bridge", "MCPServer", "Server", "Commands", "Transcripts", "Session", "ChatClient", "Engine",
                "Embedding", "ChatAPI", "DescriptorIO", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Bridge",
            dependencies: [
                "Commands", "Session", "ChatClient", "ChatAPI", "DescriptorIO",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "MCPServer",
            dependencies: [
                "Commands", "ChatClient", "ChatAPI", "DescriptorIO",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Server",
            dependencies: [
                "Engine", "ChatAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Commands",
            dependencies: ["Transcripts", "Session", "ChatClient", "ChatAPI"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Transcripts",
            dependencies: [
                "Session", "ChatAPI",
                // The `.actual` stamp's SHA-256 (Foundation has no digest on Linux).
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Session",
            dependencies: ["ChatAPI"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ChatClient",
            dependencies: ["Engine", "ChatAPI", "CCurl"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Engine",
            dependencies: [
                "ChatAPI", "Embedding", "CPoppler", "CLibXML2", "CStemmer", "CDeflate",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Blocking descriptor I/O the stdio front ends and the terminal share: the write loop, dedicated threads,
        // taking stdout over. Glibc and Foundation only, so any module may use it.
        .target(name: "DescriptorIO", swiftSettings: strictSettings),
        .target(
            name: "Embedding",
            dependencies: ["COpenBLAS"],
            // Optimised even in debug builds: the encoder's loops run millions of times per text, and tests embed
            // real text with it.
            swiftSettings: strictSettings + [.unsafeFlags(["-O"])]
        ),
        .target(
            name: "ChatAPI",
            swiftSettings: strictSettings
        ),

        // MARK: - Tests
        .target(
            name: "ChatTestSupport",
            dependencies: [
                "Commands", "Session", "ChatClient", "Engine", "ChatAPI",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Tests/ChatTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "ChatAPITests", dependencies: ["ChatAPI"], swiftSettings: strictSettings),
        .testTarget(
            name: "EmbeddingTests",
            dependencies: ["Embedding"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Engine", "Embedding", "ChatAPI", "ChatTestSupport",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ChatClientTests",
            dependencies: ["ChatClient", "Engine", "Server", "ChatAPI", "ChatTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SessionTests",
            dependencies: ["Session", "ChatAPI", "ChatTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TranscriptsTests",
            dependencies: ["Transcripts", "Session", "ChatAPI", "ChatTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CommandsTests",
            dependencies: ["Commands", "Session", "ChatClient", "ChatAPI", "ChatTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: ["Server", "Engine", "ChatClient", "ChatAPI", "ChatTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BridgeTests",
            dependencies: ["Bridge", "Commands", "Session", "ChatClient", "ChatAPI", "ChatTestSupport"],
            exclude: ["Goldens"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MCPServerTests",
            dependencies: ["MCPServer", "Commands", "ChatClient", "ChatAPI", "ChatTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ChatShellTests",
            dependencies: [
                "ChatShell", "Transcripts", "Session", "Commands", "ChatClient", "ChatAPI", "ChatTestSupport",
            ],
            swiftSettings: strictSettings
        ),
    ]
)
