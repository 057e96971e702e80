import ChatAPI
import ChatClient
import Embedding
import Engine
import Foundation

/// Builds the backend a command talks to: remote with `--server`/`CHATSHELL_SERVER`, else the local store.
enum BackendFactory {
    /// The live backend for global options and settings.
    static func make(_ options: GlobalOptions, settings: Settings) throws -> any Backend {
        if let server = settings.value("server", flag: options.server) {
            return try RemoteBackend(
                server: server,
                credentials: CredentialStore(path: settings.paths.credentials.path),
                options: TransportOptions(caFile: settings.value("ca_file", flag: options.caFile))
            )
        }
        return try EmbeddedBackend(knowledgeBase: makeKnowledgeBase(options, settings: settings))
    }

    /// The local engine in the configured data directory, answering with the configured generator.
    ///
    /// - Parameters:
    ///   - options: The global options (`--data-dir`, `--llm`, `--ca-file`).
    ///   - settings: Environment and config file.
    ///   - dataDirectory: A data directory that overrides the configured one (eval's temporary store).
    ///   - configure: Last adjustments, such as `maxUploadBytes` for `serve`.
    /// - Returns: The opened knowledge base.
    /// - Throws: `BackendError` for a bad language-model setting or an unsafe credentials file, `EngineError` when
    ///   the store cannot be opened.
    static func makeKnowledgeBase(
        _ options: GlobalOptions,
        settings: Settings,
        dataDirectory: URL? = nil,
        configure: (inout EngineConfiguration) -> Void = { _ in }
    ) throws -> KnowledgeBase {
        var configuration = try engineConfiguration(options, settings: settings, dataDirectory: dataDirectory)
        configure(&configuration)
        return try KnowledgeBase(configuration: configuration)
    }

    /// The engine configuration for the settings: data directory and answerer.
    static func engineConfiguration(
        _ options: GlobalOptions,
        settings: Settings,
        dataDirectory: URL? = nil
    ) throws -> EngineConfiguration {
        let directory =
            dataDirectory ?? settings.value("data_dir", flag: options.dataDir).map { URL(fileURLWithPath: $0) }
            ?? settings.paths.data
        var configuration = EngineConfiguration(dataDirectory: directory)
        // Notices (a store mode tightened) are wrapped at words like every other line on a terminal's stderr.
        let console = Console(terminal: TerminalCapabilities.detect(environment: settings.environment), useColor: false)
        configuration.notice = { console.notice($0) }
        if let text = settings.value("ingest_lease_s") {
            configuration.ingestionLease = IngestionLease(
                duration: try seconds(text, key: "CHATSHELL_INGEST_LEASE_S", default: 30)
            )
        }
        if let text = settings.value("processing_timeout_s") {
            configuration.processingTimeLimit = try seconds(text, key: "CHATSHELL_PROCESSING_TIMEOUT_S", default: 600)
        }
        if let executable = ExtractionSandbox.currentExecutable {
            // PDFs are read by this same program in a child process, bounded in memory and killed at the time
            // limit (`chatshell extract-pdf`); `extraction_memory_mib` sets its memory (default 1024).
            var sandbox = ExtractionSandbox(executable: executable, arguments: ["extract-pdf"])
            if let mebibytes = try positiveInteger(
                settings.value("extraction_memory_mib"),
                key: "CHATSHELL_EXTRACTION_MEMORY_MIB"
            ) {
                sandbox.memoryLimit = mebibytes * 1_048_576
            }
            configuration.pdfSandbox = sandbox
        }
        if let pause = settings.value("ingest_pause_ms").flatMap(Int.init), pause > 0 {
            // CHATSHELL_INGEST_PAUSE_MS holds each document after it starts extracting (progress-bar demos,
            // tests that stop a process mid-document).
            configuration.ingestionPause = .milliseconds(pause)
        }
        if let answerer = try languageModelAnswerer(options, settings: settings) {
            configuration.answerer = answerer
        } else if let delay = settings.value("token_delay_ms").flatMap(Int.init), delay > 0 {
            // CHATSHELL_TOKEN_DELAY_MS paces the extractive answer word by word (demos, interruption tests).
            configuration.answerer = ExtractiveAnswerer(tuning: configuration.tuning, pace: .milliseconds(delay))
        }
        configuration.embedder = try embedder(options, settings: settings)
        return configuration
    }

    // MARK: - Embeddings

    /// The embedder of semantic retrieval, or nil to rank by words alone.
    ///
    /// Knobs (each also `CHATSHELL_<KEY>` or a config-file key): `embeddings` (`--embeddings`; `on` or `off`),
    /// `embedding_url` (an OpenAI-compatible endpoint instead of the model in the process), `embedding_model` (the
    /// model file, default `ModelLocation.defaultPath`; with `embedding_url`, the model's name on that server).
    /// Embeddings are off unless `embeddings` is `on`; then the model file must be there.
    static func embedder(_ options: GlobalOptions, settings: Settings) throws -> (any Embedder)? {
        let origin = "--embeddings, CHATSHELL_EMBEDDINGS or embeddings in the config file"
        switch settings.value("embeddings", flag: options.embeddings)?.trimmingCharacters(in: .whitespaces).lowercased()
        {
        case "on"?:
            break
        case nil, "off"?:
            // Off unless asked for: with the weights measured so far, hybrid ranking lowers a test half's `right`
            // column (docs/embeddings.md, "Evaluation"), so words alone stay the default.
            return nil
        case let other?:
            throw invalid("Invalid embeddings setting '\(other)' (from \(origin)). Use on or off.")
        }
        let named = settings.value("embedding_model")
        if let rawURL = settings.value("embedding_url")?.trimmingCharacters(in: .whitespaces) {
            let origin = "CHATSHELL_EMBEDDING_URL or embedding_url in the config file"
            guard let url = URL(string: rawURL), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme), url.host?.isEmpty == false
            else {
                throw invalid(
                    "Invalid embedding URL '\(rawURL)' (from \(origin)). Use the server's OpenAI-compatible base "
                        + "URL, such as http://127.0.0.1:11434/v1 for Ollama."
                )
            }
            guard let model = named?.trimmingCharacters(in: .whitespaces), !model.isEmpty else {
                throw invalid(
                    "The embedding endpoint \(rawURL) needs a model: set CHATSHELL_EMBEDDING_MODEL or embedding_model "
                        + "to the name of an embedding model it serves (such as nomic-embed-text for Ollama)."
                )
            }
            return OpenAICompatibleEmbedder(
                // Its own key (never the language model's, which may belong to another server), from the
                // environment only, as secrets never sit in the config file.
                configuration: .init(
                    baseURL: url,
                    model: model,
                    apiKey: settings.environment["CHATSHELL_EMBEDDING_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
                ),
                transport: CurlCompletionTransport(caFile: settings.value("ca_file", flag: options.caFile))
            )
        }
        let path = named ?? ModelLocation.defaultPath(environment: settings.environment)
        do {
            return try InProcessEmbedder(path: path)
        } catch let error as EmbeddingError {
            throw invalid(error.localizedDescription)
        }
    }

    // MARK: - Language model

    /// The model answerer when `--llm`, `CHATSHELL_LLM_URL` or `llm_url` names an endpoint, else nil.
    ///
    /// Knobs (each also `CHATSHELL_<KEY>` or a config-file key): `llm_url`, `llm_model` (default: the first model
    /// `GET {url}/models` lists), `llm_timeout_s` (first-token and idle limit, default 120), `llm_max_tokens`
    /// (default 512). The API key comes from `CHATSHELL_LLM_API_KEY`, else `"llm_api_key"` in the credentials
    /// file; never from the config file.
    static func languageModelAnswerer(
        _ options: GlobalOptions,
        settings: Settings
    ) throws -> OpenAICompatibleAnswerer? {
        guard let rawURL = settings.value("llm_url", flag: options.llm)?.trimmingCharacters(in: .whitespaces) else {
            return nil
        }
        let origin = "--llm, CHATSHELL_LLM_URL or llm_url in the config file"
        guard let url = URL(string: rawURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host?.isEmpty == false
        else {
            throw invalid(
                "Invalid language-model URL '\(rawURL)' (from \(origin)). Use the server's OpenAI-compatible base "
                    + "URL, such as http://127.0.0.1:11434/v1 for Ollama or http://127.0.0.1:8080/v1 for llama.cpp."
            )
        }
        let limit = try seconds(settings.value("llm_timeout_s"), key: "CHATSHELL_LLM_TIMEOUT_S", default: 120)
        let maxTokens = try positiveInteger(settings.value("llm_max_tokens"), key: "CHATSHELL_LLM_MAX_TOKENS") ?? 512
        let configuration = OpenAICompatibleAnswerer.Configuration(
            baseURL: url,
            model: settings.value("llm_model"),
            apiKey: try apiKey(settings),
            connectTimeout: min(limit, .seconds(10)),
            firstTokenTimeout: limit,
            idleTimeout: limit,
            maxTokens: maxTokens
        )
        let answerer = OpenAICompatibleAnswerer(
            configuration: configuration,
            transport: CurlCompletionTransport(caFile: settings.value("ca_file", flag: options.caFile))
        )
        // Learns the model's name in the background, so /whoami and /capabilities show it without delaying the
        // first prompt.
        answerer.prepare()
        return answerer
    }

    /// `CHATSHELL_LLM_API_KEY`, else the credentials file's `llm_api_key`.
    private static func apiKey(_ settings: Settings) throws -> String? {
        if let key = settings.environment["CHATSHELL_LLM_API_KEY"]?.trimmingCharacters(in: .whitespaces),
            !key.isEmpty
        {
            return key
        }
        return try CredentialStore(path: settings.paths.credentials.path).languageModelAPIKey()
    }

    private static func seconds(_ text: String?, key: String, default fallback: Int) throws -> Duration {
        guard let text else { return .seconds(fallback) }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value > 0, value.isFinite else {
            throw invalid("\(key) must be a positive number of seconds, not '\(text)'.")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }

    private static func positiveInteger(_ text: String?, key: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
            throw invalid("\(key) must be a positive whole number, not '\(text)'.")
        }
        return value
    }

    private static func invalid(_ message: String) -> BackendError {
        .api(ErrorBody.Detail(code: .badRequest, message: message, status: 400))
    }
}
