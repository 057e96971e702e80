import ChatAPI
import ChatClient
import Foundation
import Session

extension Interpreter {
    /// `/help [COMMAND]`.
    func help(_ name: String?) -> CommandOutcome {
        if let name {
            guard let entry = CommandCatalog.entry(name.lowercased()) else {
                return .failure(
                    CommandError.unknownCommand(
                        name,
                        suggestion: CommandCatalog.nearest(name, in: CommandCatalog.names)
                    )
                )
            }
            var text = StyledText(entry.usage, style: .emphasis)
            text.append("\n  " + entry.summary)
            return .output(text, result: nil)
        }
        let width = CommandCatalog.entries.map { $0.name.count }.max() ?? 0
        var lines = ["Commands:"]
        for entry in CommandCatalog.entries {
            lines.append("  /" + entry.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + entry.summary)
        }
        lines.append("Anything else is a question. //text asks \"/text\". \"\"\" starts a multi-line message.")
        return .output(StyledText(lines.joined(separator: "\n")), result: nil)
    }
}
