/// `GET /capabilities` (http-api.md section 3).
public struct Capabilities: Codable, Sendable, Hashable {
    /// The server's name and version.
    public struct ServerInfo: Codable, Sendable, Hashable {
        public var name: String
        public var version: String
    }

    /// Optional features this server offers.
    public struct Features: Codable, Sendable, Hashable {
        public var registration = true
        public var anonymousSessions = true
        public var conversations = true
        public var compare = true
        public var compareStream = true
        public var personalMemory = true
        public var memoryCapture = true
        public var sharedMemory = true
        public var sharedDocuments = true
    }

    /// Limits clients should respect.
    public struct Limits: Codable, Sendable, Hashable {
        public var maxUploadBytes: Int
        public var maxJsonBodyBytes = 1_048_576
        public var maxQueryChars = 4000
        public var defaultTopK = 5
        public var maxTopK = 20
        public var compareMinDocuments = 2
        public var compareMaxDocuments = 5
        public var maxMemoryChars = 2000

        /// The limits of a backend accepting uploads up to `maxUploadBytes`; the others are the contract's.
        public init(maxUploadBytes: Int) {
            self.maxUploadBytes = maxUploadBytes
        }
    }

    /// What can be uploaded.
    public struct Upload: Codable, Sendable, Hashable {
        public var types = ["txt", "md", "html", "pdf", "docx"]
        public var extensions = Self.supportedExtensions

        /// The file-name endings the engine reads; the one list clients filter folders with.
        public static let supportedExtensions = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"]

        /// Whether a file name ends in a supported extension, in any case.
        public static func accepts(_ filename: String) -> Bool {
            let lowered = filename.lowercased()
            return supportedExtensions.contains { lowered.hasSuffix($0) }
        }
    }

    /// What a stream may carry.
    public struct Stream: Codable, Sendable, Hashable {
        public var events = ["meta", "status", "sources", "token", "citation", "done", "error"]
        public var heartbeatS = 15
    }

    public var apiVersion = "1"
    public var server: ServerInfo
    public var generator: String
    @Nullable public var model: String?
    /// The embedding model of semantic retrieval; null when the server ranks by words alone.
    @Nullable public var embeddingModel: String?
    public var features = Features()
    public var limits: Limits
    public var upload = Upload()
    public var stream = Stream()

    public init(
        version: String,
        generator: String,
        model: String? = nil,
        embeddingModel: String? = nil,
        maxUploadBytes: Int
    ) {
        self.server = ServerInfo(name: "chatshell", version: version)
        self.generator = generator
        self.model = model
        self.embeddingModel = embeddingModel
        self.limits = Limits(maxUploadBytes: maxUploadBytes)
    }
}

/// `GET /health`.
public struct Health: Codable, Sendable, Hashable {
    public var status: String
    public var version: String
    public var apiVersion: String
    public var time: String

    public init(status: String, version: String, time: String) {
        self.status = status
        self.version = version
        self.apiVersion = "1"
        self.time = time
    }
}
