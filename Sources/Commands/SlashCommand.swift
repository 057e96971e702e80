public import ChatAPI

/// A parsed slash-command (repl.md section 1).
public enum SlashCommand: Sendable, Equatable {
    case help(String?)
    case login(String?)
    case register(String?)
    case logout
    case whoami
    case upload(paths: [String], title: String?)
    case docs
    case docsShow(String)
    case docsRemove(String)
    /// `all`: the full report instead of the answer-first summary.
    case compare(documents: [String], question: String?, all: Bool = false)
    case remember(String)
    case memories
    case forget(String)
    case adminMemory
    case adminMemoryAdd(String)
    case adminMemoryRemove(String)
    case adminDocs
    case adminDocsUpload(paths: [String], title: String?)
    case adminDocsRemove(String)
    case adminUsers
    case adminUsersRole(email: String, role: Role)
    case sources(Int?)
    case history
    case new
    case sessions
    case resume(String)
    case save(name: String, force: Bool)
    case quit
    /// Clears the screen (the REPL only).
    case clear
    /// Composes a message in `$VISUAL`/`$EDITOR`, starting from the text given (the REPL only).
    case edit(String)

    /// The command's name as typed, without the slash (`docs`, `admin`).
    public var name: String {
        switch self {
        case .help: "help"
        case .login: "login"
        case .register: "register"
        case .logout: "logout"
        case .whoami: "whoami"
        case .upload: "upload"
        case .docs, .docsShow, .docsRemove: "docs"
        case .compare: "compare"
        case .remember: "remember"
        case .memories: "memories"
        case .forget: "forget"
        case .adminMemory, .adminMemoryAdd, .adminMemoryRemove, .adminDocs, .adminDocsUpload, .adminDocsRemove,
            .adminUsers, .adminUsersRole:
            "admin"
        case .sources: "sources"
        case .history: "history"
        case .new: "new"
        case .sessions: "sessions"
        case .resume: "resume"
        case .save: "save"
        case .quit: "quit"
        case .clear: "clear"
        case .edit: "edit"
        }
    }

    /// Whether running it may change the names of the documents the caller sees (an upload, a removal, another
    /// account, or a listing the user just looked at), so completion asks the backend for them again; after any
    /// other line it keeps what it has instead of listing every document again (an HTTP request each in remote
    /// mode).
    public var mayChangeDocumentNames: Bool {
        switch self {
        case .upload, .docs, .docsRemove, .adminDocs, .adminDocsUpload, .adminDocsRemove, .login, .register, .logout:
            true
        default:
            false
        }
    }
}

/// What a line of input is.
public enum ParsedInput: Sendable, Equatable {
    /// Free text: a question (`//text` asks `/text`).
    case question(String)
    case command(SlashCommand)
}
