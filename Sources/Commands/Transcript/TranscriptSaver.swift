import ChatAPI
import ChatClient
public import Foundation
public import Session
import Transcripts

/// `/save [--force] NAME` in the REPL (transcripts.md section 6): writes `NAME.chat` in the current directory with
/// every turn of the session, the uploads made through the REPL since it started, and suggested checks.
///
/// Answers are rendered again from the recorded turns with the REPL's own `AnswerRenderer`, so the `~` and `|`
/// lines are what the REPL printed. Commands that change what later answers see (`/remember`, `/docs rm`, shared
/// memory and documents) come from the `CommandJournal` and are written in order between them; other commands leave
/// no trace. When an answer cites a document the session did not upload, the file starts with
/// `@ skip: needs @ corpus for a.pdf, b.md`: add the directive and remove the skip to make it replayable.
public struct TranscriptSaver: Sendable {
    let backend: UploadRecordingBackend
    let session: ActiveSession
    let directory: URL
    let journal: CommandJournal?

    /// - Parameters:
    ///   - backend: the REPL's backend, wrapped so uploads are remembered.
    ///   - session: the REPL's session (its start bounds the uploads written).
    ///   - directory: where `NAME.chat` goes: the current directory.
    ///   - journal: the REPL's state-changing commands (`/remember`, `/docs rm`, ...), written as turns too.
    public init(
        backend: UploadRecordingBackend,
        session: ActiveSession,
        directory: URL,
        journal: CommandJournal? = nil
    ) {
        self.backend = backend
        self.session = session
        self.directory = directory
        self.journal = journal
    }

    /// Writes the transcript and returns its path as shown.
    ///
    /// - Throws: `TranscriptFileError` for a bad name, an existing file without `force`, or a failed write.
    public func save(turns: [Turn], name: String, force: Bool) async throws -> String {
        let base = name.hasSuffix(".chat") ? String(name.dropLast(5)) : name
        guard !base.isEmpty, !base.contains("/"), !base.hasPrefix(".") else {
            throw TranscriptFileError.invalidName(name)
        }
        let url = directory.appendingPathComponent(base + ".chat")
        let since = await session.createdAt
        var entries: [(date: Date, turn: RecordedTurn)] = turns.map { ($0.startedAt, Self.recorded($0)) }
        var uploaded: Set<String> = []
        for upload in backend.uploads(since: since) {
            let turn = await recorded(upload)
            if turn.output.failures.isEmpty { uploaded.insert(upload.file.lastPathComponent) }
            entries.append((upload.date, turn))
        }
        var unreplayable: [String] = []
        for command in journal?.entries(since: since) ?? [] {
            entries.append(
                (command.date, RecordedTurn(input: command.input, output: .init(lines: [.client(command.output)])))
            )
            if !command.replayable { unreplayable.append(command.input) }
        }
        let ordered = entries.enumerated().sorted { left, right in
            left.element.date == right.element.date
                ? left.offset < right.offset : left.element.date < right.element.date
        }
        .map(\.element.turn)
        let missing = TranscriptWriter.citedDocuments(ordered).filter { !uploaded.contains($0) }
        let role = (try? await backend.whoAmI().role).flatMap { TranscriptRole(rawValue: $0.rawValue) } ?? .user
        let writer = TranscriptWriter(
            comment: "Saved from the REPL with /save \(base).",
            skip: Self.skipReason(missing: missing, unreplayable: unreplayable),
            role: role,
            alwaysWriteRole: true
        )
        try writer.write(ordered, to: url, force: force)
        return url.lastPathComponent
    }

    /// Why the file cannot replay as written, or nil: cited documents it did not upload, commands naming ids of
    /// this store.
    static func skipReason(missing: [String], unreplayable: [String]) -> String? {
        var reasons: [String] = []
        if !missing.isEmpty { reasons.append("needs @ corpus for \(missing.joined(separator: ", "))") }
        if !unreplayable.isEmpty {
            reasons.append("names ids of this store (\(unreplayable.joined(separator: "; "))); edit those turns")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// A question or `/compare` turn as the REPL rendered it.
    static func recorded(_ turn: Turn) -> RecordedTurn {
        var renderer = AnswerRenderer()
        var pieces = renderer.render(.sources(turn.sources))
        if !turn.answer.isEmpty { pieces += renderer.render(.token(turn.answer)) }
        var failures: [TranscriptTurnOutput.Failure] = []
        if turn.interrupted {
            pieces += renderer.interrupt()
        } else if let code = turn.errorCode {
            let message = turn.errorMessage ?? code.rawValue
            pieces += renderer.render(.error(StreamErrorEvent(code: code, message: message)))
            failures.append(.init(code: code, message: message))
        } else {
            let done = DoneEvent(
                finishReason: turn.finishReason ?? .stop,
                answer: turn.answer,
                citations: turn.citations,
                usage: Usage(promptTokens: 0, completionTokens: 0),
                timingsMs: turn.timings ?? Timings(retrieval: 0, firstToken: nil, total: 0),
                conversationId: nil,
                messageId: nil
            )
            pieces += renderer.render(.done(done))
        }
        return RecordedTurn(
            input: turn.input,
            output: TranscriptTurnOutput(
                lines: InterpreterTranscriptDriver.lines(from: pieces),
                answer: turn,
                failures: failures
            )
        )
    }

    /// An upload as the `/upload` turn that made it, with the document's state when it finished (or today's, when
    /// the REPL stopped waiting for it).
    private func recorded(_ upload: UploadRecordingBackend.Upload) async -> RecordedTurn {
        var path = upload.file.standardizedFileURL.path
        let prefix = directory.standardizedFileURL.path + "/"
        if path.hasPrefix(prefix) { path = String(path.dropFirst(prefix.count)) }
        if path.contains(" ") { path = "\"\(path)\"" }
        var message = (upload.shared ? "/admin docs upload " : "/upload ") + path
        if let title = upload.title { message += " --title \"\(title)\"" }
        let result: UploadRunner.FileResult.Outcome
        if let failure = upload.failure {
            result = .failed(code: failure.code, message: failure.message)
        } else if let response = upload.response {
            do {
                // As the REPL printed it when the upload finished (the document may be deleted since), else now.
                let seen = backend.seen(documentId: response.documentId)
                let status: DocumentStatus
                if let seenStatus = seen?.status {
                    status = seenStatus
                } else {
                    status = try await backend.documentStatus(id: response.documentId)
                }
                let document: Document
                if let seenDocument = seen?.document {
                    document = seenDocument
                } else {
                    document = try await backend.document(id: response.documentId)
                }
                if status.status == "failed" {
                    let reason = status.error ?? "processing failed (\(status.errorCode ?? "unknown"))"
                    result = .failed(code: ErrorCode(status.errorCode ?? "internal_error"), message: reason)
                } else {
                    result = response.duplicate ? .duplicate(document) : .ingested(document)
                }
            } catch {
                result = .failed(code: .documentNotFound, message: "The uploaded document is gone.")
            }
        } else {
            result = .failed(code: .internalError, message: "The upload did not finish.")
        }
        var failures: [TranscriptTurnOutput.Failure] = []
        if case .failed(let code, let text) = result { failures.append(.init(code: code, message: text)) }
        let line = UploadRunner.FileResult(path: upload.file.path, outcome: result).line.plain
        return RecordedTurn(input: message, output: TranscriptTurnOutput(lines: [.client(line)], failures: failures))
    }
}
