import ChatClient
public import Engine
import Foundation

extension FakeOpenAIServer {
    /// An answerer talking to this server over the real libcurl transport.
    ///
    /// - Parameters:
    ///   - model: The configured model; nil makes the answerer ask `GET /v1/models`.
    ///   - apiKey: Sent as a bearer token.
    ///   - firstToken: The first-token limit.
    ///   - idle: The idle limit.
    /// - Returns: The answerer.
    public func answerer(
        model: String? = "fake-model",
        apiKey: String? = nil,
        firstToken: Duration = .seconds(120),
        idle: Duration = .seconds(120)
    ) -> OpenAICompatibleAnswerer {
        OpenAICompatibleAnswerer(
            configuration: .init(
                baseURL: baseURL,
                model: model,
                apiKey: apiKey,
                connectTimeout: .seconds(60),
                firstTokenTimeout: firstToken,
                idleTimeout: idle
            ),
            transport: CurlCompletionTransport(environment: [:])
        )
    }
}
