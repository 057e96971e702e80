import ChatAPI
import ChatClient
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

    /// The local engine in the configured data directory.
    static func makeKnowledgeBase(
        _ options: GlobalOptions,
        settings: Settings,
        dataDirectory: URL? = nil
    ) throws
        -> KnowledgeBase
    {
        let directory =
            dataDirectory ?? settings.value("data_dir", flag: options.dataDir).map { URL(fileURLWithPath: $0) }
            ?? settings.paths.data
        var configuration = EngineConfiguration(dataDirectory: directory)
        // CHATSHELL_TOKEN_DELAY_MS paces the extractive answer word by word (demos, interruption tests).
        if let delay = settings.value("token_delay_ms").flatMap(Int.init), delay > 0 {
            configuration.answerer = ExtractiveAnswerer(tuning: configuration.tuning, pace: .milliseconds(delay))
        }
        return try KnowledgeBase(configuration: configuration)
    }
}
