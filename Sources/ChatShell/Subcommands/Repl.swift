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

        @Option(
            name: .long,
            help: ArgumentHelp("Continue the latest session, or the one named.", valueName: "name")
        )
        var resume: String?

        func run() async throws {
            let settings = Settings()
            let colorMode =
                TerminalCapabilities.ColorMode(rawValue: settings.value("color", flag: global.color) ?? "auto") ?? .auto
            let terminal = TerminalCapabilities.detect(colorMode: colorMode, environment: settings.environment)
            let console = Console(useColor: terminal.useColor)
            let interactive = isatty(STDIN_FILENO) == 1

            let backend: any Backend
            do {
                backend = try BackendFactory.make(global, settings: settings)
            } catch {
                console.error(error.localizedDescription)
                throw ExitCode(1)
            }
            let sessions = FileSessionStore(directory: settings.paths.sessions)
            let conversation = Conversation()
            if let name = resume {
                if let saved = try? sessions.load(name: name) { await conversation.load(saved) }
            }
            let completer = CommandCompleter()
            let signals = interactive ? SignalWatcher.install() : nil
            let historyDisabled = settings.environment["CHATSHELL_NO_HISTORY"] == "1"
            let reader: any LineReader
            if let signals {
                reader = ReadlineLineReader(
                    historyFile: historyDisabled ? nil : settings.paths.history.path,
                    completer: completer,
                    signals: signals
                )
            } else {
                reader = PlainLineReader()
            }
            let interpreter = Interpreter(
                backend: backend,
                conversation: conversation,
                sessions: sessions,
                readPassword: interactive ? { @Sendable prompt in PasswordPrompt.read(prompt: prompt) } : nil,
                saveTranscript: nil
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
            await loop.run()
        }
    }
}
