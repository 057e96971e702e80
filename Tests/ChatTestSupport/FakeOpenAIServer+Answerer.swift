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
    ///   - clock: What the limits count on (`.expiring(at:)` lets a test say when they run out).
    /// - Returns: The answerer.
    public func answerer(
        model: String? = "fake-model",
        apiKey: String? = nil,
        firstToken: Duration = .seconds(120),
        idle: Duration = .seconds(120),
        clock: CompletionClock = .continuous
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
            transport: CurlCompletionTransport(environment: [:]),
            clock: clock
        )
    }
}

extension CompletionClock {
    /// A clock on which every limit runs out when `expiry` opens, and not before.
    ///
    /// Real time until then, then every deadline has passed. A test opens it once the server holds the request,
    /// so a short limit cannot run out before a loaded machine has even sent it.
    public static func expiring(at expiry: Gate) -> CompletionClock {
        CompletionClock(
            now: { expiry.isOpen ? ContinuousClock.now + .seconds(365 * 86_400) : ContinuousClock.now },
            sleep: { _ in try await expiry.wait() }
        )
    }
}
