public import ChatAPI
public import Foundation

/// Mistakes in typed commands, found locally before anything reaches the backend.
public enum CommandError: LocalizedError, Equatable, Sendable {
    /// A name the REPL does not know, with the nearest known one.
    case unknownCommand(String, suggestion: String?)
    /// A required argument is missing.
    case missingArgument(command: String, argument: String)
    /// An option the command does not take, with the nearest known one.
    case unknownOption(command: String, option: String, suggestion: String?)
    /// An argument of the wrong form.
    case invalidArgument(command: String, message: String)
    /// A saved session that does not exist.
    case noSession(String, suggestion: String?)
    /// Something this mode of use does not allow (bridge, `ask`).
    case forbidden(String)

    public var errorDescription: String? {
        switch self {
        case .unknownCommand(let name, let suggestion):
            let hint = suggestion.map { " Did you mean '/\($0)'?" } ?? " Type /help for the list of commands."
            return "Unknown command '/\(name)'.\(hint)"
        case .missingArgument(let command, let argument):
            return "Missing argument <\(argument)> for /\(command). Usage: \(CommandCatalog.usage(command))"
        case .unknownOption(let command, let option, let suggestion):
            let hint = suggestion.map { " Did you mean '\($0)'?" } ?? " Usage: \(CommandCatalog.usage(command))"
            return "Unknown option '\(option)' for /\(command).\(hint)"
        case .invalidArgument(let command, let message):
            return "\(message) Usage: \(CommandCatalog.usage(command))"
        case .noSession(let name, let suggestion):
            let hint = suggestion.map { " Did you mean '\($0)'?" } ?? ""
            return "No session named '\(name)'.\(hint) See /sessions."
        case .forbidden(let message):
            return message
        }
    }

    /// The bridge/`ask` error code (bridge.md 4.6).
    public var code: ErrorCode {
        switch self {
        case .unknownCommand: .unknownCommand
        case .forbidden: .forbiddenCommand
        default: .badRequest
        }
    }
}
