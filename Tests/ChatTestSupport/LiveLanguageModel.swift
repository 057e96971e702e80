import ChatClient
public import Engine
public import Foundation

/// A real OpenAI-compatible model for tests tagged `.llm`: `CHATSHELL_LLM_URL` (and optionally
/// `CHATSHELL_LLM_MODEL`, `CHATSHELL_LLM_API_KEY`, `CHATSHELL_LLM_TIMEOUT_S`), reached over libcurl.
///
/// Engine tests may not import ChatClient; this is how they get the live transport.
public enum LiveLanguageModel {
    /// The endpoint, when `CHATSHELL_LLM_URL` is set.
    public static var url: URL? {
        ProcessInfo.processInfo.environment["CHATSHELL_LLM_URL"].flatMap { $0.isEmpty ? nil : URL(string: $0) }
    }

    /// Whether a real model is configured.
    public static var isConfigured: Bool { url != nil }

    /// The libcurl transport the app uses.
    public static var transport: any CompletionTransport { CurlCompletionTransport(environment: [:]) }

    /// An answerer for the configured model, with generous limits (small models on small machines are slow).
    public static func answerer() -> OpenAICompatibleAnswerer? {
        guard let url else { return nil }
        let environment = ProcessInfo.processInfo.environment
        let limit = environment["CHATSHELL_LLM_TIMEOUT_S"].flatMap(Double.init).map { Duration.seconds($0) }
        return OpenAICompatibleAnswerer(
            configuration: .init(
                baseURL: url,
                model: environment["CHATSHELL_LLM_MODEL"],
                apiKey: environment["CHATSHELL_LLM_API_KEY"],
                firstTokenTimeout: limit ?? .seconds(300),
                idleTimeout: limit ?? .seconds(120),
                maxTokens: 160
            ),
            transport: transport
        )
    }
}
