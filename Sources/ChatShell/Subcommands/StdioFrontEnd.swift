import ArgumentParser
import Bridge
import ChatClient
import DescriptorIO
import Foundation
import Glibc
import Logging

/// What every stdin/stdout front end (`bridge`, `mcp`) does before it speaks its protocol: the checks of its common
/// flags, stdout kept for protocol records only, logs on stderr, and the backend.
enum StdioFrontEnd {
    /// The log levels `--log-level` accepts, as users read them in errors.
    static let logLevelNames = "trace, debug, info, notice, warning, error, critical"

    /// `flag` must name an existing folder.
    static func requireFolder(_ path: String, flag: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(flag) '\(path)' is not a folder.")
        }
    }

    /// `--log-level`, when given, must be a level swift-log knows.
    static func validateLogLevel(_ logLevel: String?) throws {
        if let logLevel, Logger.Level(rawValue: logLevel.lowercased()) == nil {
            throw ValidationError("--log-level must be one of \(logLevelNames).")
        }
    }

    /// The level from the flag, else the `log_level` setting, else debug with `--verbose` and warning without.
    static func level(flag: String?, setting: String?, verbose: Bool) -> Logger.Level {
        if let flag, let level = Logger.Level(rawValue: flag.lowercased()) { return level }
        if let setting, let level = Logger.Level(rawValue: setting.lowercased()) { return level }
        return verbose ? .debug : .warning
    }

    /// Takes stdout for the protocol, sends logs to stderr and opens the backend.
    ///
    /// - Returns: the descriptor protocol records go to, the logger and the backend.
    /// - Throws: `ExitCode(1)` when stdout cannot be kept, `ExitCode(69)` when the backend cannot be opened.
    static func start(
        name: String,
        logLevel: String?,
        global: GlobalOptions,
        settings: Settings
    ) throws -> (protocolFD: Int32, logger: Logger, backend: any Backend) {
        // A vanished reader must surface as EPIPE on write, not kill the process (bridge.md 2.7).
        signal(SIGPIPE, SIG_IGN)
        // Taken before anything else can print: from here on descriptor 1 is stderr (bridge.md 2.1).
        guard let protocolFD = StandardOutputTakeover.takeOver() else {
            FileHandle.standardError.write(Data("chatshell \(name): cannot duplicate stdout\n".utf8))
            throw ExitCode(1)
        }
        let chosen = Self.level(flag: logLevel, setting: settings.value("log_level"), verbose: global.verbose)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = chosen
            return handler
        }
        let logger = Logger(label: "chatshell.\(name)")
        do {
            return (protocolFD, logger, try BackendFactory.make(global, settings: settings))
        } catch {
            logger.critical("backend unavailable: \(error.localizedDescription)")
            throw ExitCode(69)
        }
    }
}
