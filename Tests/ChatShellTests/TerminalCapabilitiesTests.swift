import Testing

@testable import ChatShell

@Suite struct TerminalCapabilitiesTests {
    private func capabilities(
        _ mode: TerminalCapabilities.ColorMode = .auto,
        environment: [String: String] = ["TERM": "xterm-256color"],
        stdout: Bool = true,
        stderr: Bool = true
    ) -> TerminalCapabilities {
        TerminalCapabilities(
            colorMode: mode,
            environment: environment,
            stdinIsTerminal: true,
            stdoutIsTerminal: stdout,
            stderrIsTerminal: stderr
        )
    }

    @Test func terminalGetsColourAndSpinner() {
        let terminal = capabilities()
        #expect(terminal.useColor)
        #expect(terminal.spinnerEnabled)
        #expect(terminal.progressBarEnabled)
    }

    @Test func bracketedPasteOnlyOnATerminalThatIsNotDumb() {
        #expect(capabilities().bracketedPaste)
        #expect(capabilities(environment: ["TERM": "xterm", "NO_COLOR": "1"]).bracketedPaste)
        #expect(!capabilities(environment: ["TERM": "dumb"]).bracketedPaste)
        #expect(!capabilities(environment: [:]).bracketedPaste)
        #expect(!capabilities(stdout: false).bracketedPaste)
    }

    @Test func pipedStdoutGetsNeitherColourNorSpinner() {
        let terminal = capabilities(stdout: false)
        #expect(!terminal.useColor)
        #expect(!terminal.spinnerEnabled)
    }

    @Test func noColorTurnsOffColourAndSpinner() {
        let terminal = capabilities(environment: ["TERM": "xterm", "NO_COLOR": "1"])
        #expect(!terminal.useColor)
        #expect(!terminal.spinnerEnabled)
    }

    @Test func emptyNoColorIsIgnored() {
        #expect(capabilities(environment: ["TERM": "xterm", "NO_COLOR": ""]).useColor)
    }

    @Test func dumbOrMissingTermTurnsOffColourAndSpinner() {
        for environment in [["TERM": "dumb"], [:]] {
            let terminal = capabilities(environment: environment)
            #expect(!terminal.useColor)
            #expect(!terminal.spinnerEnabled)
        }
    }

    @Test func stderrNotATerminalTurnsOffOnlyTheSpinner() {
        let terminal = capabilities(stderr: false)
        #expect(terminal.useColor)
        #expect(!terminal.spinnerEnabled)
    }

    @Test func colorAlwaysOverridesPipesAndNoColor() {
        let terminal = capabilities(.always, environment: ["NO_COLOR": "1", "TERM": "dumb"], stdout: false)
        #expect(terminal.useColor)
        #expect(!terminal.spinnerEnabled)
    }

    @Test func colorNeverTurnsOffColourButNotTheSpinner() {
        let terminal = capabilities(.never)
        #expect(!terminal.useColor)
        #expect(terminal.spinnerEnabled)
    }

    @Test func colorModeParsesTheFlagValues() {
        #expect(TerminalCapabilities.ColorMode(rawValue: "auto") == .auto)
        #expect(TerminalCapabilities.ColorMode(rawValue: "always") == .always)
        #expect(TerminalCapabilities.ColorMode(rawValue: "never") == .never)
        #expect(TerminalCapabilities.ColorMode(rawValue: "sometimes") == nil)
    }

    @Test func columnsPreferTheWindowSize() {
        #expect(TerminalCapabilities.resolveColumns(window: 132, environment: ["COLUMNS": "100"]) == 132)
    }

    @Test func columnsFallBackToTheColumnsVariableThenEighty() {
        #expect(TerminalCapabilities.resolveColumns(window: nil, environment: ["COLUMNS": "100"]) == 100)
        #expect(TerminalCapabilities.resolveColumns(window: 0, environment: ["COLUMNS": " 72 "]) == 72)
        #expect(TerminalCapabilities.resolveColumns(window: nil, environment: ["COLUMNS": "wide"]) == 80)
        #expect(TerminalCapabilities.resolveColumns(window: nil, environment: ["COLUMNS": "0"]) == 80)
        #expect(TerminalCapabilities.resolveColumns(window: nil, environment: [:]) == 80)
    }

    @Test func columnsAskTheWindowOnEachCall() {
        let terminal = TerminalCapabilities(
            colorMode: .auto,
            environment: [:],
            stdinIsTerminal: true,
            stdoutIsTerminal: true,
            stderrIsTerminal: true,
            windowColumns: { 96 }
        )
        #expect(terminal.columns() == 96)
    }
}
