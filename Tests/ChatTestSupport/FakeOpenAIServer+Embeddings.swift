import ChatClient
public import Engine
import Foundation

extension FakeOpenAIServer {
    /// An embedder talking to this server over the real libcurl transport.
    public func embedder(model: String = "fake-embed", apiKey: String? = nil) -> OpenAICompatibleEmbedder {
        OpenAICompatibleEmbedder(
            configuration: .init(baseURL: baseURL, model: model, apiKey: apiKey, timeout: .seconds(10)),
            transport: CurlCompletionTransport(environment: [:])
        )
    }

    /// The `input` texts of an embeddings request, nil when the body is not one.
    public static func embeddingInputs(_ request: Request) -> [String]? {
        guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else { return nil }
        return object["input"] as? [String]
    }

    /// An embeddings answer as OpenAI's `/v1/embeddings` sends it, one vector per input.
    ///
    /// Each vector counts the text's hashed words in `dimension` buckets (not unit length, as some servers send
    /// them), so texts sharing words are close. `reversed` lists the items last first, which servers are allowed
    /// to do (each carries its index).
    public static func embeddings(
        for request: Request,
        dimension: Int = 32,
        model: String = "fake-embed",
        reversed: Bool = false
    ) -> [Step] {
        guard let inputs = embeddingInputs(request) else {
            return error(
                status: 400,
                reason: "Bad Request",
                message: "'input' must be a list of strings",
                type: "invalid_request_error"
            )
        }
        var items = inputs.enumerated().map { index, text in
            var vector = [Double](repeating: 0, count: dimension)
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
                let bucket = word.unicodeScalars.reduce(UInt32(2_166_136_261)) { ($0 ^ $1.value) &* 16_777_619 }
                vector[Int(bucket % UInt32(dimension))] += 1
            }
            if vector.allSatisfy({ $0 == 0 }) { vector[0] = 1 }
            let numbers = vector.map { String($0) }.joined(separator: ",")
            return #"{"object":"embedding","index":\#(index),"embedding":[\#(numbers)]}"#
        }
        if reversed { items.reverse() }
        let body =
            #"{"object":"list","data":[\#(items.joined(separator: ","))],"model":"\#(model)","#
            + #""usage":{"prompt_tokens":\#(inputs.count),"total_tokens":\#(inputs.count)}}"#
        return [.send(response(status: 200, reason: "OK", body: body))]
    }
}
