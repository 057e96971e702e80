import ChatAPI
import Testing

@testable import Commands

@Suite struct SlashCommandParserTests {
    private func message(_ input: String) -> String? {
        do {
            _ = try SlashCommandParser.parse(input)
            return nil
        } catch {
            return error.errorDescription
        }
    }

    @Test func freeTextIsAQuestion() throws {
        #expect(try SlashCommandParser.parse("What is the reach?") == .question("What is the reach?"))
        #expect(try SlashCommandParser.parse("//etc/hosts is a path") == .question("/etc/hosts is a path"))
    }

    @Test func unknownCommandSuggestsClosestName() {
        #expect(message("/uplaod a.pdf") == "Unknown command '/uplaod'. Did you mean '/upload'?")
        #expect(message("/frobnicate") == "Unknown command '/frobnicate'. Type /help for the list of commands.")
    }

    @Test func missingArgumentPrintsTheUsage() {
        #expect(message("/upload") == "Missing argument <path> for /upload. Usage: /upload <path>... [--title <text>]")
        #expect(message("/forget") == "Missing argument <id> for /forget. Usage: /forget <id>")
    }

    @Test func unknownOptionSuggestsTheKnownOne() {
        #expect(message("/upload a.pdf --titel X") == "Unknown option '--titel' for /upload. Did you mean '--title'?")
    }

    @Test func uploadTakesQuotedPathsAndATitle() throws {
        let parsed = try SlashCommandParser.parse(#"/upload "bad/unicode path/café.txt" docs --title "My notes""#)
        #expect(parsed == .command(.upload(paths: ["bad/unicode path/café.txt", "docs"], title: "My notes")))
    }

    @Test func compareSplitsDocumentsFromTheQuestion() throws {
        let parsed = try SlashCommandParser.parse("/compare NR-X200 NR-X300 -- Which is heavier?")
        #expect(parsed == .command(.compare(documents: ["NR-X200", "NR-X300"], question: "Which is heavier?")))
        #expect(
            message("/compare only-one")
                == "Compare needs at least 2 documents. Usage: /compare <doc> <doc> [<doc>...] [--all] [-- <question>]"
        )
        #expect(message("/compare a b c d e f")?.hasPrefix("Compare takes at most 5 documents, not 6.") == true)
        #expect(
            try SlashCommandParser.parse("/compare a --all b -- why --all?")
                == .command(.compare(documents: ["a", "b"], question: "why --all?", all: true))
        )
    }

    @Test func adminSubcommandsParse() throws {
        #expect(
            try SlashCommandParser.parse("/admin memory add Escalations go to ext. 4100.")
                == .command(.adminMemoryAdd("Escalations go to ext. 4100."))
        )
        #expect(
            try SlashCommandParser.parse("/admin users role lee@example.com admin")
                == .command(.adminUsersRole(email: "lee@example.com", role: .admin))
        )
        #expect(
            message("/admin users role lee@example.com boss") == "Role must be 'admin' or 'user', not 'boss'. Usage: "
                + CommandCatalog.usage("admin")
        )
        #expect(try SlashCommandParser.parse("/admin docs") == .command(.adminDocs))
    }

    @Test func rememberKeepsTheWholeText() throws {
        #expect(
            try SlashCommandParser.parse("/remember   I work at the Leipzig site. ")
                == .command(.remember("I work at the Leipzig site."))
        )
    }

    @Test func sourcesTakesANumber() throws {
        #expect(try SlashCommandParser.parse("/sources 2") == .command(.sources(2)))
        #expect(message("/sources two") == "'two' is not a source number. Usage: /sources [<n>]")
    }

    @Test func editDistanceCountsTranspositionsOnce() {
        #expect(CommandCatalog.editDistance("uplaod", "upload") == 1)
        #expect(CommandCatalog.nearest("sesions", in: CommandCatalog.names) == "sessions")
        #expect(CommandCatalog.nearest("zzzzzz", in: CommandCatalog.names) == nil)
    }

    @Test func onlyCommandsThatMayChangeDocumentNamesRefreshCompletion() throws {
        // Given lines a user types; when they are parsed; then only uploads, removals, account changes and
        // listings ask the backend for document names again
        let refreshing = ["/upload a.pdf", "/docs", "/docs rm doc_1", "/admin docs", "/login", "/logout"]
        let keeping = ["/sources", "/history", "/whoami", "/memories", "/compare doc_1 doc_2", "/help"]
        for line in refreshing {
            guard case .command(let command) = try SlashCommandParser.parse(line) else {
                Issue.record("\(line) is not a command")
                continue
            }
            #expect(command.mayChangeDocumentNames, "\(line)")
        }
        for line in keeping {
            guard case .command(let command) = try SlashCommandParser.parse(line) else {
                Issue.record("\(line) is not a command")
                continue
            }
            #expect(!command.mayChangeDocumentNames, "\(line)")
        }
    }
}
