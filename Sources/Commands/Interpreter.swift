public import ChatAPI
public import ChatClient
public import Foundation
public import Session

/// The interpreter of user input, shared by the REPL, `ask`, the bridge and transcript replay: it classifies a
/// line, parses commands, and runs handlers against the injected `Backend` and the `ActiveSession`.
///
/// Handlers return `CommandOutcome` values and never print; the caller acts on them.
public final class Interpreter: Sendable {
    /// Which commands a mode of use allows (bridge.md 3 and 4.1, architecture.md 3 for `ask`).
    public struct Policy: Sendable {
        /// Names of allowed commands; nil allows all.
        public var allowed: Set<String>?
        /// Why a command outside `allowed` is refused.
        public var refusal: @Sendable (String) -> String

        public init(allowed: Set<String>?, refusal: @escaping @Sendable (String) -> String) {
            self.allowed = allowed
            self.refusal = refusal
        }

        /// The REPL: everything.
        public static let repl = Policy(allowed: nil, refusal: { _ in "" })
    }

    /// The width tables fit when there is no terminal to ask: the classic terminal width, so pipes and
    /// transcripts read well anywhere.
    public static let defaultColumns = 80

    public let backend: any Backend
    public let session: ActiveSession
    public let sessions: any SessionStore
    /// Relative paths of `/upload` resolve here.
    public let workingDirectory: URL
    public let policy: Policy
    /// `top_k` and `include_memory` sent with questions.
    public let topK: Int?
    public let includeMemory: Bool?
    /// Asks for a password without echo; nil when input is not interactive.
    let readPassword: (@Sendable (String) async -> String?)?
    /// Notes state-changing commands for `/save`; nil outside the REPL.
    let journal: CommandJournal?
    /// The width that tables such as `/docs` fit (the terminal width in the REPL, 80 elsewhere).
    let columns: @Sendable () -> Int
    /// Writes a transcript for `/save` (name, force) and returns the path written.
    let saveTranscript: (@Sendable (_ turns: [Turn], _ name: String, _ force: Bool) async throws -> String)?

    public init(
        backend: any Backend,
        session: ActiveSession,
        sessions: any SessionStore,
        workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        policy: Policy = .repl,
        topK: Int? = nil,
        includeMemory: Bool? = nil,
        readPassword: (@Sendable (String) async -> String?)? = nil,
        journal: CommandJournal? = nil,
        saveTranscript: (@Sendable ([Turn], String, Bool) async throws -> String)? = nil,
        columns: @escaping @Sendable () -> Int = { Interpreter.defaultColumns }
    ) {
        self.journal = journal
        self.columns = columns
        self.backend = backend
        self.session = session
        self.sessions = sessions
        self.workingDirectory = workingDirectory
        self.policy = policy
        self.topK = topK
        self.includeMemory = includeMemory
        self.readPassword = readPassword
        self.saveTranscript = saveTranscript
    }

    /// Runs one input (a question, or a slash-command) and says what should happen.
    public func handle(_ input: String) async -> CommandOutcome {
        let parsed: ParsedInput
        do {
            parsed = try SlashCommandParser.parse(input)
        } catch {
            return .failure(error)
        }
        switch parsed {
        case .question(let question):
            return await ask(question)
        case .command(let command):
            if let allowed = policy.allowed, !allowed.contains(command.name) {
                return .failure(code: .forbiddenCommand, message: policy.refusal(command.name))
            }
            do {
                return try await run(command, input: input)
            } catch {
                return .failure(error)
            }
        }
    }

    /// Sends a question in the active session.
    func ask(_ question: String) async -> CommandOutcome {
        let request = QueryRequest(
            query: question,
            conversationId: await session.backendConversationId,
            topK: topK,
            includeMemory: includeMemory
        )
        do {
            return .answer(try await backend.ask(request), input: question)
        } catch {
            return .failure(error)
        }
    }

    private func run(_ command: SlashCommand, input: String) async throws -> CommandOutcome {
        switch command {
        case .help(let name): return help(name)
        case .login(let email): return try await login(email, register: false)
        case .register(let email): return try await login(email, register: true)
        case .logout: return try await logout()
        case .whoami: return try await whoami()
        case .upload(let paths, let title): return upload(paths, title: title, shared: false)
        case .docs: return try await listDocuments(scope: nil)
        case .docsShow(let id): return try await showDocument(id)
        case .docsRemove(let id): return try await removeDocument(id, shared: false)
        case .compare(let documents, let question, let all):
            return try await compare(documents, question: question, all: all, input: input)
        case .remember(let text): return try await remember(text)
        case .memories: return try await listMemories()
        case .forget(let id): return try await forget(id)
        case .adminMemory: return try await listSharedMemories()
        case .adminMemoryAdd(let text): return try await addSharedMemory(text)
        case .adminMemoryRemove(let id): return try await removeSharedMemory(id)
        case .adminDocs:
            try await requireAdmin(for: "Managing shared documents")
            return try await listDocuments(scope: "shared")
        case .adminDocsUpload(let paths, let title): return upload(paths, title: title, shared: true)
        case .adminDocsRemove(let id): return try await removeDocument(id, shared: true)
        case .adminUsers: return try await listUsers()
        case .adminUsersRole(let email, let role): return try await setRole(email: email, role: role)
        case .sources(let n): return await sources(n)
        case .history: return await history()
        case .new: return await newConversation()
        case .sessions: return try listSessions()
        case .resume(let name): return try await resume(name)
        case .save(let name, let force): return try await save(name, force: force)
        case .quit: return .quit
        case .clear, .edit:
            // The REPL's loop runs these itself; elsewhere there is no screen or editor to use.
            throw CommandError.forbidden("/\(command.name) works in the interactive REPL only.")
        }
    }

    /// Encodes a wire value as a `JSONValue` result.
    static func result<T: Encodable>(_ value: T) -> JSONValue? {
        guard let data = try? APIJSON.encode(value) else { return nil }
        return try? APIJSON.decode(JSONValue.self, from: data)
    }
}

extension Interpreter {
    /// A wire value as a `JSONValue`, for results built outside a handler.
    public static func jsonValue<T: Encodable>(_ value: T) -> JSONValue {
        result(value) ?? .null
    }
}
