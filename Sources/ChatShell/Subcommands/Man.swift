import ArgumentParser
import ChatAPI
import Foundation

extension ChatShellCommand {
    /// `chatshell man`: the manual page, generated from the argument parser's own description of every command,
    /// so it never drifts from `--help`.
    struct Man: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the manual page (roff): chatshell man > chatshell.1, then man ./chatshell.1."
        )

        func run() throws {
            guard let page = ManPage.render(dump: ChatShellCommand._dumpHelp()) else {
                throw ValidationError("The argument parser's description of the commands could not be read.")
            }
            print(page, terminator: "")
        }
    }
}
