import ChatAPI
public import Foundation

/// Answers with a language model behind an OpenAI-compatible `chat/completions` endpoint: Ollama, llama.cpp's
/// server, vLLM or OpenAI (architecture.md section 7).
///
/// The prompt holds the numbered sources (title, file, page, section, text; retrieved memories among them), the
/// recent turns, and the rule to answer only from the sources, cite them as `[n]` and say when they lack the answer.
/// Deltas stream out as they arrive; the engine normalises the markers. A model that answers with exactly the
/// no-context sentence makes the engine abstain. Failures end the answer with `llm_unavailable` or `timeout`, with
/// a message naming the URL and what to check; there is no fallback to the extractive answerer.
///
/// ```swift
/// let answerer = OpenAICompatibleAnswerer(
///     configuration: .init(baseURL: URL(string: "http://127.0.0.1:11434/v1")!, model: "llama3.2"),
///     transport: CurlCompletionTransport()
/// )
/// let knowledgeBase = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: dir, answerer: answerer))
/// ```
public struct OpenAICompatibleAnswerer: Answerer {
    /// Where the model lives and how long it may take.
    public struct Configuration: Sendable, Equatable {
        /// The API base, such as `http://127.0.0.1:11434/v1`; requests go to `{base}/chat/completions`.
        public var baseURL: URL
        /// The model name; nil asks `GET {base}/models` once and takes the first, else `default`.
        public var model: String?
        /// Sent as a bearer token when present.
        public var apiKey: String?
        /// The limit for connecting to the endpoint.
        public var connectTimeout: Duration
        /// The limit from sending the request to the first answer text (prompt processing included).
        public var firstTokenTimeout: Duration
        /// The limit for a pause between two pieces of the answer.
        public var idleTimeout: Duration
        /// The most tokens the model may generate; an answer cut there finishes with `length`.
        public var maxTokens: Int
        /// Sampling temperature; low, since answers should stick to the sources.
        public var temperature: Double

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - baseURL: The API base URL (a trailing `/` or `/chat/completions` is dropped).
        ///   - model: The model, or nil to ask the endpoint.
        ///   - apiKey: The bearer token, if needed.
        ///   - connectTimeout: 10 s by default.
        ///   - firstTokenTimeout: 120 s by default (CPU-only servers take long over a first prompt).
        ///   - idleTimeout: 60 s by default.
        ///   - maxTokens: 512 by default.
        ///   - temperature: 0.2 by default.
        public init(
            baseURL: URL,
            model: String? = nil,
            apiKey: String? = nil,
            connectTimeout: Duration = .seconds(10),
            firstTokenTimeout: Duration = .seconds(120),
            idleTimeout: Duration = .seconds(60),
            maxTokens: Int = 512,
            temperature: Double = 0.2
        ) {
            self.baseURL = Self.normalized(baseURL)
            self.model = model.flatMap { $0.isEmpty ? nil : $0 }
            self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
            self.connectTimeout = connectTimeout
            self.firstTokenTimeout = firstTokenTimeout
            self.idleTimeout = idleTimeout
            self.maxTokens = maxTokens
            self.temperature = temperature
        }

        /// `{base}/chat/completions`.
        public var completionsURL: URL { baseURL.appendingPathComponent("chat/completions") }

        /// `{base}/models`.
        public var modelsURL: URL { baseURL.appendingPathComponent("models") }

        /// The base URL as messages show it: without user, password or query, which may hold secrets.
        public var shownBaseURL: String { Self.shown(baseURL) }

        /// The completions URL as messages show it.
        var shownCompletionsURL: String { Self.shown(completionsURL) }

        static func normalized(_ url: URL) -> URL {
            var text = url.absoluteString
            while text.hasSuffix("/") { text.removeLast() }
            if text.hasSuffix("/chat/completions") { text.removeLast("/chat/completions".count) }
            return URL(string: text) ?? url
        }

        static func shown(_ url: URL) -> String {
            guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
                return url.absoluteString
            }
            components.user = nil
            components.password = nil
            components.query = nil
            components.fragment = nil
            return components.string ?? url.absoluteString
        }
    }

    public let configuration: Configuration
    let transport: any CompletionTransport
    /// What the first-token and idle limits count on.
    let clock: CompletionClock
    private let modelName: ModelNameResolver

    /// Creates an answerer; nothing is sent until the first question (or `prepare()`).
    ///
    /// - Parameters:
    ///   - configuration: The endpoint, model, key and limits.
    ///   - transport: What carries the requests (`CurlCompletionTransport` in the app, a fake in tests).
    ///   - clock: What the first-token and idle limits count on: real time, unless a test expires them on an event.
    public init(
        configuration: Configuration,
        transport: any CompletionTransport,
        clock: CompletionClock = .continuous
    ) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.modelName = ModelNameResolver(configured: configuration.model)
    }

    /// The configured model, or the one the endpoint listed first once known, else `default`.
    public var model: String { modelName.current }

    /// Starts finding the model name in the background when none is configured, so `model` (and `/whoami`)
    /// shows it before the first question; returns at once.
    public func prepare() {
        guard configuration.model == nil else { return }
        Task { _ = await resolvedModel() }
    }

    /// The model name, asking `GET {base}/models` the first time when none is configured.
    ///
    /// - Returns: The configured model, the endpoint's first model, or `default` when it lists none (or cannot be
    ///   reached; then the next call asks again).
    public func resolvedModel() async -> String {
        let transport = self.transport
        let request = CompletionRequest(
            method: "GET",
            url: configuration.modelsURL,
            apiKey: configuration.apiKey,
            connectTimeout: configuration.connectTimeout,
            idleTimeout: min(configuration.firstTokenTimeout, .seconds(15))
        )
        return await modelName.resolve {
            do {
                let data = try await transport.fetch(request)
                return .listed(ChatCompletionChunk.firstModel(inList: data))
            } catch CompletionTransportError.httpStatus {
                // The endpoint answered but offers no list (some proxies): asking again would not help.
                return .listed(nil)
            } catch {
                return .unreachable
            }
        }
    }

    public func answer(_ context: AnswerContext) async throws -> AnswerOutcome {
        // Nothing retrieved: there is nothing to answer from, and the contract wants the plain abstention.
        guard !context.sources.isEmpty, !context.asksAboutSomethingElse() else { return .abstain }
        let model = await resolvedModel()
        try Task.checkCancellation()
        let run = try start(body: requestBody(for: context, model: model))
        switch try await run.decision() {
        case .abstain: return .abstain
        case .stream(let fragments): return .stream(fragments)
        }
    }

    /// Sends a streaming completion request with this body and starts reading it under the configured limits.
    func start(body: Data) -> CompletionRun {
        let request = CompletionRequest(
            method: "POST",
            url: configuration.completionsURL,
            body: body,
            apiKey: configuration.apiKey,
            connectTimeout: configuration.connectTimeout,
            // The answerer's own first-token and idle limits fire first; this only bounds a transport left alone.
            idleTimeout: max(configuration.firstTokenTimeout, configuration.idleTimeout) + .seconds(15)
        )
        return CompletionRun.start(
            request: request,
            transport: transport,
            limits: .init(firstToken: configuration.firstTokenTimeout, idle: configuration.idleTimeout, clock: clock),
            failure: { [configuration] in Self.engineError(for: $0, configuration: configuration) }
        )
    }
}
