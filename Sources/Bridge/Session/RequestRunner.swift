import ChatAPI
import ChatClient
import Commands
import Foundation
import Logging
import Session

/// Runs one request against the backend and the interpreter, reporting what happens to the session.
///
/// Events go to the request's `RequestOutput`, which drops them once the request has ended (a cancel, timeout or
/// signal may have ended it meanwhile). When it answers false the runner stops; dropping the answer stream stops
/// the backend's work (architecture.md 2).
struct RequestRunner: Sendable {
    let work: RequestWork
    let session: ActiveSession
    let output: RequestOutput
    let backend: any Backend
    let writer: RecordWriter
    let policy: BridgeCommandPolicy
    let uploadRoot: URL?
    let workingDirectory: URL
    let logger: Logger

    func execute() async {
        switch work {
        case .ask(let question): await ask(question)
        case .command(let line): await command(line)
        case .reject(let code, let message): _ = emit(.failure(code: code, message: message))
        case .reset: break
        }
    }

    // MARK: - Questions

    private func ask(_ question: RequestWork.Question) async {
        do {
            var documentIds: [String]?
            if let names = question.documents {
                documentIds = try await resolveDocuments(names)
            }
            let request = QueryRequest(
                query: question.text,
                conversationId: await session.backendConversationId,
                documentIds: documentIds,
                topK: question.topK,
                includeMemory: question.includeMemory
            )
            let stream = try await backend.ask(request)
            await consume(stream, input: question.text, command: false)
        } catch {
            await fail(error)
        }
    }

    /// Document names or ids as ids; a name matching no visible document is `document_not_found` (4.6).
    private func resolveDocuments(_ names: [String]) async throws -> [String] {
        var visible: [Document] = []
        var total = 0
        repeat {
            let page = try await backend.documents(scope: nil, limit: 200, offset: visible.count)
            visible += page.items
            total = page.total
            if page.items.isEmpty { break }
        } while visible.count < total
        return try names.map { name in
            let lowered = name.lowercased()
            let match =
                visible.first { $0.id == name } ?? visible.first { $0.filename == name }
                ?? visible.first { $0.filename.lowercased() == lowered }
            guard let match else {
                throw BackendError.api(
                    ErrorBody.Detail(
                        code: .documentNotFound,
                        message: "Document not found: \(name)",
                        status: 404,
                        details: ["document": .string(name)]
                    )
                )
            }
            return match.id
        }
    }

    /// Relays an answer or comparison stream; exactly one terminal event comes out of it, unless the session
    /// already ended the request.
    private func consume(_ stream: AnswerStream, input: String, command: Bool) async {
        var recorder = TurnRecorder(input: input)
        var recorded = false
        var open = true
        do {
            for try await event in stream {
                let received = ContinuousClock.now
                recorder.observe(event)
                switch event {
                case .meta:
                    continue
                case .status(let stage):
                    open = emit(.status(stage), received: received)
                case .sources(let sources):
                    open = emit(.sources(sources), received: received)
                case .token(let text):
                    open = emit(.token(text), received: received)
                case .citation(let citation):
                    open = emit(.citation(citation), received: received)
                case .done(let done):
                    // Recorded before the terminal event: the conversation's next request may start right after
                    // it and must see the backend conversation id.
                    await session.record(recorder.turn)
                    recorded = true
                    _ = emit(.done(DoneInfo(done, command: command)), received: received)
                    open = false
                case .error(let error):
                    await session.record(recorder.turn)
                    recorded = true
                    _ = emit(.failure(code: error.code, message: error.message), received: received)
                    open = false
                }
                guard open else { break }
                // Backpressure (4.4): a reader far behind stops the consumption of backend streams.
                await writer.waitForRoom()
            }
        } catch {
            if !recorded {
                recorder.fail(code: Self.failure(error).code, message: Self.failure(error).message)
                await session.record(recorder.turn)
                recorded = true
            }
            if open { await fail(error) }
            return
        }
        if !recorded {
            if Task.isCancelled { recorder.interrupt() }
            await session.record(recorder.turn)
        }
        if open && !Task.isCancelled {
            let ended = StreamErrorEvent.endedEarly()
            _ = emit(.failure(code: ended.code, message: ended.message))
        }
    }

    // MARK: - Commands

    private func command(_ line: String) async {
        if let refusal = policy.refusal(forLine: line) {
            _ = emit(.failure(code: .forbiddenCommand, message: refusal))
            return
        }
        guard emit(.status("running")) else { return }
        let interpreter = Interpreter(
            backend: backend,
            session: session,
            sessions: InMemorySessionStore(),
            workingDirectory: uploadRoot ?? workingDirectory,
            policy: policy.interpreterPolicy
        )
        let outcome = await interpreter.handle(line)
        guard !Task.isCancelled else { return }
        switch outcome {
        case .output(let text, let result):
            _ = emit(.done(DoneInfo(output: text.plain, result: result ?? .null)))
        case .answer(let stream, let input):
            await consume(stream, input: input, command: true)
        case .upload(let plan):
            await upload(plan)
        case .failure(let code, let message):
            _ = emit(.failure(code: code, message: message))
        case .quit:
            _ = emit(
                .failure(
                    code: .forbiddenCommand,
                    message: BridgeCommandPolicy.refusal(
                        "quit",
                        mode: policy.mode,
                        uploadEnabled: policy.uploadEnabled,
                        adminEnabled: policy.adminEnabled
                    )
                )
            )
        }
    }

    /// `/upload` and `/admin docs upload`, confined to the upload root.
    private func upload(_ plan: UploadPlan) async {
        guard let root = uploadRoot else {
            _ = emit(.failure(code: .forbiddenCommand, message: "Uploads need --upload-root"))
            return
        }
        var results = plan.problems.map { Self.confining($0, to: root) }
        var files: [URL] = []
        for file in plan.files {
            if Self.isInside(file, root: root) {
                files.append(file)
            } else {
                results.append(Self.outside(file.standardizedFileURL.path))
            }
        }
        // Progress arrives in a synchronous callback; a stream keeps the stages in order for the async relay.
        let (stages, continuation) = AsyncStream.makeStream(of: String.self)
        let relay = Task {
            var last = ""
            for await stage in stages where stage != last {
                last = stage
                _ = emit(.status(stage))
            }
        }
        let runner = UploadRunner(backend: backend)
        for file in files {
            if Task.isCancelled { break }
            let result = await runner.run(file, title: plan.title, shared: plan.shared) { _, _, stage in
                continuation.yield(stage == "uploading" ? "uploading" : "indexing")
            }
            results.append(result)
        }
        continuation.finish()
        await relay.value
        guard !Task.isCancelled else { return }
        let summary = results.map(\.line.plain).joined(separator: "\n")
        let failures = results.compactMap { result -> (ErrorCode, String)? in
            if case .failed(let code, let message) = result.outcome { return (code, message) }
            return nil
        }
        if let first = failures.first {
            _ = emit(.failure(code: first.0, message: failures.map(\.1).joined(separator: " ")))
            return
        }
        let documents: [JSONValue] = results.compactMap { result in
            switch result.outcome {
            case .ingested(let document), .duplicate(let document): Interpreter.jsonValue(document)
            case .failed: nil
            }
        }
        _ = emit(.done(DoneInfo(output: summary, result: .array(documents))))
    }

    static func isInside(_ file: URL, root: URL) -> Bool {
        let rootPath = root.resolvingSymlinksInPath().standardizedFileURL.path
        let path = file.resolvingSymlinksInPath().standardizedFileURL.path
        return path == rootPath || path.hasPrefix(rootPath.hasSuffix("/") ? rootPath : rootPath + "/")
    }

    /// A path that could not be planned keeps its reason only when it lies inside the root, so the bridge never
    /// tells the host what exists outside it.
    private static func confining(_ problem: UploadRunner.FileResult, to root: URL) -> UploadRunner.FileResult {
        let expanded = UserPath.expandingTilde(problem.path)
        let url = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : root.appendingPathComponent(expanded)
        return isInside(url, root: root) ? problem : outside(problem.path)
    }

    private static func outside(_ path: String) -> UploadRunner.FileResult {
        UploadRunner.FileResult(
            path: path,
            outcome: .failed(code: .badRequest, message: "'\(path)' is outside --upload-root.")
        )
    }

    // MARK: - Reporting

    private func emit(_ event: RequestEvent, received: ContinuousClock.Instant? = nil) -> Bool {
        output.emit(event, received: received)
    }

    private func fail(_ error: any Error) async {
        // A cancelled request was already ended by whoever cancelled it (cancel, timeout, signal, end of input).
        guard !Task.isCancelled, !(error is CancellationError) else { return }
        let failure = Self.failure(error)
        if failure.code == .internalError { logger.error("request failed: \(String(describing: error))") }
        _ = emit(.failure(code: failure.code, message: failure.message))
    }

    static func failure(_ error: any Error) -> (code: ErrorCode, message: String) {
        if case .failure(let code, let message) = CommandOutcome.failure(error) { return (code, message) }
        return (.internalError, "internal error: \(error)")
    }
}
