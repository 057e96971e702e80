import ArgumentParser
import Engine
import Foundation

extension ChatShellCommand {
    /// `chatshell extract-pdf`, which is not for people: it reads one PDF in a child process.
    ///
    /// `chatshell serve`, `ingest` and the REPL start it for each PDF, capping its memory and killing it at the
    /// document's time limit (`ExtractionSandbox`, issue 15): the PDF's bytes come on standard input, its text goes
    /// out as JSON.
    struct ExtractPDF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "extract-pdf",
            abstract: "Read one PDF from standard input in a bounded child process (used internally).",
            shouldDisplay: false
        )

        @Option(help: "The document's name, for messages.")
        var filename: String

        @Option(name: .customLong("memory-mib"), help: "The memory the reading may add, in MiB.")
        var memoryMiB: Int

        @Option(name: .customLong("text-limit"), help: "The most text, in UTF-8 bytes.")
        var textLimit: Int

        func run() throws {
            let status = ExtractionSandbox.runChild(filename: filename, memoryMiB: memoryMiB, textLimit: textLimit)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
