import Foundation

/// What went wrong inside a completion stream that the transport could not know.
enum CompletionFailure: Error, Equatable, Sendable {
    /// No answer text within the first-token limit.
    case noFirstToken
    /// A pause between two pieces of the answer exceeded the idle limit.
    case stalled
    /// The stream closed without the `[DONE]` sentinel.
    case endedWithoutDone
    /// The server sent an error payload inside the stream.
    case reported(String)
    /// A payload that is not a chat-completion chunk (its start).
    case malformed(String)
}

extension OpenAICompatibleAnswerer {
    /// Turns a failure into the engine error the answer ends with: `timeout` for the time limits, else
    /// `llm_unavailable`; every message names the URL and says what to check.
    static func engineError(for error: any Error, configuration: Configuration) -> any Error {
        if error is CancellationError || error is EngineError { return error }
        let url = configuration.shownCompletionsURL
        let whereToPoint =
            "Check that --llm or CHATSHELL_LLM_URL is the server's OpenAI-compatible base URL "
            + "(such as http://127.0.0.1:11434/v1)"
        let moreTime = "or allow more time with CHATSHELL_LLM_TIMEOUT_S"
        switch error {
        case CompletionTransportError.unreachable(let detail):
            return EngineError.llmUnavailable(
                "Cannot reach the language model at \(url): \(sentence(detail)) "
                    + "Is the model server running? \(whereToPoint)."
            )
        case CompletionTransportError.connectTimedOut:
            return EngineError.timeout(
                "The language model at \(url) did not accept a connection within "
                    + "\(seconds(configuration.connectTimeout)). Check the address in --llm or CHATSHELL_LLM_URL, "
                    + "the network and any firewall."
            )
        case CompletionTransportError.idleTimedOut:
            return EngineError.timeout(
                "The language model at \(url) sent nothing for too long, so the request was abandoned. "
                    + "Check that the model server is not overloaded, \(moreTime)."
            )
        case CompletionTransportError.httpStatus(let status, let body):
            return EngineError.llmUnavailable(httpMessage(status: status, body: body, url: url))
        case CompletionTransportError.notEventStream(let contentType):
            return EngineError.llmUnavailable(
                "The language model at \(url) answered with \(contentType) instead of an event stream. "
                    + "Use a server that streams chat completions (stream: true). \(whereToPoint)."
            )
        case CompletionTransportError.broken(let detail):
            return EngineError.llmUnavailable(
                "The connection to the language model at \(url) broke during the answer: \(sentence(detail)) "
                    + "Try again; if it repeats, check the model server's log."
            )
        case CompletionFailure.noFirstToken:
            return EngineError.timeout(
                "The language model at \(url) sent no answer within \(seconds(configuration.firstTokenTimeout)). "
                    + "It may still be loading the model or be overloaded: check the server, \(moreTime)."
            )
        case CompletionFailure.stalled:
            return EngineError.timeout(
                "The language model at \(url) stopped sending for \(seconds(configuration.idleTimeout)) in the "
                    + "middle of the answer. Check the model server's log, \(moreTime)."
            )
        case CompletionFailure.endedWithoutDone:
            return EngineError.llmUnavailable(
                "The language model at \(url) stopped before finishing its answer (the stream ended without "
                    + "[DONE]). Check the model server's log; it may have crashed, run out of memory, or been sent more than its "
                    + "context window holds."
            )
        case CompletionFailure.reported(let message):
            return EngineError.llmUnavailable(
                "The language model at \(url) reported an error: \(sentence(message)) Check the model server's log."
            )
        case CompletionFailure.malformed(let start):
            return EngineError.llmUnavailable(
                "The language model at \(url) sent data that is not an OpenAI-compatible chat-completion stream "
                    + "('\(start)'). \(whereToPoint)."
            )
        default:
            return EngineError.llmUnavailable("The request to the language model at \(url) failed: \(error).")
        }
    }

    private static func httpMessage(status: Int, body: String, url: String) -> String {
        let detail = ChatCompletionChunk.errorMessage(inBody: body)
        let answered = detail.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(detail)"
        switch status {
        case 401, 403:
            return "The language model at \(url) refused the request (\(answered)). Check the API key: "
                + "CHATSHELL_LLM_API_KEY, or \"llm_api_key\" in the credentials file."
        case 404:
            return "The language model at \(url) answered \(answered). Check that --llm or CHATSHELL_LLM_URL is "
                + "the API base URL (it usually ends in /v1) and that CHATSHELL_LLM_MODEL names a model the server "
                + "has."
        case 429:
            return "The language model at \(url) is limiting requests (\(answered)). Wait a moment and try again."
        default:
            return "The language model at \(url) failed (\(answered)). Check the model server's log."
        }
    }

    /// Text ending in a full stop, so it can be followed by another sentence.
    private static func sentence(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = trimmed.last else { return "" }
        return ".!?".contains(last) ? trimmed : trimmed + "."
    }

    /// A limit as people read it: `60 s`, `0.5 s`.
    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        if attoseconds == 0 { return "\(whole) s" }
        let value = Double(whole) + Double(attoseconds) / 1e18
        return String(format: "%g s", value)
    }
}
