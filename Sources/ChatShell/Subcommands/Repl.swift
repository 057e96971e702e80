import ArgumentParser
import ChatAPI
import ChatClient
import Commands
import Foundation
import Session

extension ChatShellCommand {
    /// `chatshell` (the default): the interactive REPL.
    struct Repl: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "repl",
            abstract: "Open the interactive REPL (the default)."
        )

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Continue the latest session, or the one named after it.")
        var resume = false

        @Argument(help: ArgumentHelp("The session to continue (with --resume).", valueName: "name"))
        var session: String?

        func validate() throws {
            if session != nil && !resume {
                throw ValidationError("To continue a session, write: chatshell --resume \(session ?? "")")
            }
        }

        func run() async throws {
            let settings = Settings()
            let colorMode =
                TerminalCapabilities.ColorMode(rawValue: settings.value("color", flag: global.color) ?? "auto") ?? .auto
            let terminal = TerminalCapabilities.detect(colorMode: colorMode, environment: settings.environment)
            let console = Console(terminal: terminal, useColor: terminal.useColor)
            let interactive = isatty(STDIN_FILENO) == 1

            let backend: any Backend
            do {
                backend = try BackendFactory.make(global, settings: settings)
            } catch {
                console.error(error.localizedDescription)
                throw ExitCode(1)
            }
            let sessions = FileSessionStore(directory: settings.paths.sessions)
            let activeSession = ActiveSession()
            var resumeName: String?
            if resume {
                guard let name = session ?? (try? sessions.list().first?.name) else {
                    console.error("There is no saved session to resume yet.")
                    throw ExitCode(1)
                }
                resumeName = name
            }
            let completer = CommandCompleter(homeDirectory: settings.environment["HOME"])
            let signals = interactive ? SignalWatcher.install() : nil
            let historyDisabled = settings.environment["CHATSHELL_NO_HISTORY"] == "1"
            let reader: any LineReader
            if let signals {
                reader = ReadlineLineReader(
                    historyFile: historyDisabled ? nil : settings.paths.history.path,
                    completer: completer,
                    signals: signals,
                    bracketedPaste: terminal.bracketedPaste
                )
            } else {
                reader = PlainLineReader()
            }
            // Uploads pass through a recorder so `/save` can write them as turns of the transcript.
            let recordingBackend = UploadRecordingBackend(backend)
            let journal = CommandJournal()
            let saver = TranscriptSaver(
                backend: recordingBackend,
                session: activeSession,
                directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                journal: journal
            )
            let interpreter = Interpreter(
                backend: recordingBackend,
                session: activeSession,
                sessions: sessions,
                readPassword: interactive ? { @Sendable prompt in PasswordPrompt.read(prompt: prompt) } : nil,
                journal: journal,
                saveTranscript: { turns, name, force in try await saver.save(turns: turns, name: name, force: force) },
                columns: { terminal.stdoutIsTerminal ? terminal.columns() : Interpreter.defaultColumns }
            )
            if interactive {
                console.output(
                    StyledText(
                        "chatshell \(ChatShellVersion.current) · \(backend.kind.description) · /help for commands · Ctrl-D to quit",
                        style: .dim
                    )
                )
            }
            let loop = ReplLoop(
                interpreter: interpreter,
                reader: reader,
                console: console,
                signals: signals,
                spinner: Spinner(enabled: terminal.spinnerEnabled) { terminal.columns() },
                progress: ProgressBar(enabled: terminal.spinnerEnabled) { terminal.columns() },
                completer: completer,
                interactive: interactive
            )
            if let resumeName {
                // The same path as typing /resume, so the last turns are reprinted the same way.
                _ = await loop.handle("/resume \(resumeName)")
            }
            await loop.run()
        }
    }
}
