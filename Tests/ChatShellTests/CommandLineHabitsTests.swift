import ChatTestSupport
import Foundation
import Testing

@testable import ChatShell

/// The command line as people type it: one-shot questions, typos, global options anywhere, version, exit codes,
/// configuration mistakes; through the built binary with pipes, as a script would run it.
@Suite(.serialized) struct CommandLineHabitsTests {
    @Test func rewriterMovesGlobalOptionsAndTurnsAPositionalIntoAQuestion() {
        let rewriter = CommandLineRewriter { $0 == "2026-12-01-hotel-cap" }
        #expect(
            rewriter.rewrite(["--server", "http://h:1", "ask", "q"]) == .parse(["ask", "--server", "http://h:1", "q"])
        )
        #expect(rewriter.rewrite(["--data-dir=/d", "ingest", "x"]) == .parse(["ingest", "--data-dir=/d", "x"]))
        #expect(
            rewriter.rewrite(["--embeddings", "on", "ingest", "x"]) == .parse(["ingest", "--embeddings", "on", "x"])
        )
        #expect(rewriter.rewrite(["What is it?"]) == .parse(["ask", "--stdin-context", "What is it?"]))
        #expect(
            rewriter.rewrite(["--llm", "u", "What", "is", "it?"])
                == .parse(["ask", "--llm", "u", "--stdin-context", "What", "is", "it?"])
        )
        #expect(rewriter.rewrite(["2026-12-01-hotel-cap"]) == .parse(["2026-12-01-hotel-cap"]))
        #expect(rewriter.rewrite(["--resume", "x"]) == .parse(["--resume", "x"]))
        #expect(rewriter.rewrite(["version"]) == .version)
        #expect(rewriter.rewrite(["--version"]) == .version)
        #expect(rewriter.rewrite([]) == .parse([]))
        guard case .usage(let message) = rewriter.rewrite(["aks", "What is it?"]) else {
            Issue.record("a typo of ask is not a question")
            return
        }
        #expect(message.hasPrefix("Unknown command 'aks'. Did you mean 'chatshell ask'?"))
    }

    @Test func aPositionalQuestionIsAskedOnceWithPipedTextAsContext() async throws {
        let home = TemporaryDirectory()
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let upload = try await BinaryRun.run(["ingest", TestCorpus.document("travel-policy.pdf").path], home: home.url)
        #expect(upload.status == 0)

        let plain = try await BinaryRun.run(["What is the nightly hotel cap in high-cost cities?"], home: home.url)
        #expect(plain.status == 0, "\(plain.standardError)")
        #expect(plain.standardOutput.contains("$320"))
        #expect(plain.standardOutput.contains("Sources:"))

        // Piped text joins the question: the words that find the answer are only in the pipe
        let piped = try await BinaryRun.run(
            ["Summarise this"],
            input: "What is the nightly hotel cap in high-cost cities?\n",
            home: home.url
        )
        #expect(piped.status == 0, "\(piped.standardError)")
        #expect(piped.standardOutput.contains("$320"))

        // `ask` without words reads its question from the pipe; an empty pipe is a usage error that says so
        let askPiped = try await BinaryRun.run(
            ["ask"],
            input: "What is the nightly hotel cap in high-cost cities?\n",
            home: home.url
        )
        #expect(askPiped.status == 0, "\(askPiped.standardError)")
        #expect(askPiped.standardOutput.contains("$320"))
        let askEmpty = try await BinaryRun.run(["ask"], input: "\n", home: home.url)
        #expect(askEmpty.status == 2)
        #expect(askEmpty.standardError.contains("Nothing to ask: standard input was empty."))

        // Without a language model, text the documents do not answer gets a way forward, not only "not found"
        let notes = try await BinaryRun.run(
            ["summarise"],
            input: "Quarterly offsite: the choir rehearses on Thursdays; bring the sheet music.\n",
            home: home.url
        )
        #expect(notes.status == 0, "\(notes.standardError)")
        #expect(notes.standardOutput.contains("(no sources)"))
        #expect(notes.standardError.contains("add --llm URL to have a model read it"))

        // Global options work before a bare question too
        let optionFirst = try await BinaryRun.run(
            ["--data-dir", home.url.path, "--embeddings", "off", "What is the nightly hotel cap in high-cost cities?"],
            home: home.url
        )
        #expect(optionFirst.status == 0, "\(optionFirst.standardError)")
        #expect(optionFirst.standardOutput.contains("$320"))

        // Global options work before the subcommand, and --version and version print the version
        let before = try await BinaryRun.run(["--data-dir", home.url.path, "ask", "/docs"], home: home.url)
        #expect(before.status == 0, "\(before.standardError)")
        #expect(before.standardOutput.contains("travel-policy.pdf"))
        for arguments in [["version"], ["--version"]] {
            let version = try await BinaryRun.run(arguments, home: home.url)
            #expect(version.status == 0)
            #expect(version.standardOutput.hasPrefix("0.") || version.standardOutput.first?.isNumber == true)
        }
    }

    @Test func typosAndUsageErrorsExitTwoWithAHint() async throws {
        let home = TemporaryDirectory()
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let typo = try await BinaryRun.run(["aks", "What is the reach?"], home: home.url)
        #expect(typo.status == 2)
        #expect(typo.standardError.contains("Did you mean 'chatshell ask'?"))

        let usage = try await BinaryRun.run(["ask", "--bogus", "q"], home: home.url)
        #expect(usage.status == 2)

        let color = try await BinaryRun.run(["--color", "bogus", "ask", "/docs"], home: home.url)
        #expect(color.status == 2)
        #expect(color.standardError.contains("--color 'bogus' is not a valid color: use auto, always or never."))

        // The config file: a bad value and an unknown key are named with the file and line
        let config = home.url.appendingPathComponent("config")
        try Data("# mine\ncolor = purple\ncolour = never\n".utf8).write(to: config)
        let file = try await BinaryRun.run(["ask", "/docs"], home: home.url)
        #expect(file.status == 2)
        #expect(file.standardError.contains("Unknown key 'colour' in \(config.path) line 3. Did you mean 'color'?"))
        #expect(file.standardError.contains("color = purple in \(config.path) is not a valid color"))
    }

    @Test func globalOptionsBeforeAndAfterTheSubcommandReachIt() async throws {
        let home = TemporaryDirectory()
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let server = "http://127.0.0.1:\(try FakeOpenAIServer.closedPort())"
        for arguments in [
            ["--server", server, "ask", "What is the reach?"], ["ask", "What is the reach?", "--server", server],
        ] {
            let run = try await BinaryRun.run(arguments, home: home.url)
            #expect(run.status == 1, "\(arguments)")
            #expect(run.standardError.contains("Cannot connect to 127.0.0.1:"), "\(run.standardError)")
            #expect(!run.standardError.contains("To continue a session"))
        }
    }

    @Test func countsReadAsPeopleWriteThem() async throws {
        let home = TemporaryDirectory()
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let run = try await BinaryRun.run(
            [],
            input: "/remember The printer is on floor 3.\n/memories\nWhere is the printer?\n/sessions\n",
            home: home.url
        )
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("\n1 memory\n"))
        #expect(run.standardOutput.contains("1 session\n"))
        #expect(run.standardOutput.contains("  1 turn"))
        #expect(!run.standardOutput.contains("1 memories") && !run.standardOutput.contains("1 turns"))
    }

    @Test func anEmptyStoreAnswersWithAHintToUpload() async throws {
        let home = TemporaryDirectory()
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let run = try await BinaryRun.run([], input: "What is the nightly hotel cap?\n", home: home.url)
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("(no sources)\n(No documents yet: /upload PATH"))
    }

    @Test func aBusyPortIsNamedWithTheFix() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let serverHome = TemporaryDirectory()
        let server = try await ServerProcess(binary: binary, dataDirectory: serverHome.url)
        let port = try #require(server.url.split(separator: ":").last.map(String.init))
        let home = TemporaryDirectory()
        let second = try await BinaryRun.run(["serve", "--port", port, "--data-dir", home.url.path], home: home.url)
        #expect(second.status == 1)
        #expect(second.standardError.contains("Port \(port) on 127.0.0.1 is already in use"))
        #expect(second.standardError.contains("--port 0 picks a free one"))
        #expect(!second.standardError.contains("errno"))
        #expect(await server.stop() == 0)
    }

    @Test func theManPageComesFromTheArgumentParser() async throws {
        let home = TemporaryDirectory()
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let run = try await BinaryRun.run(["man"], home: home.url)
        #expect(run.status == 0)
        #expect(run.standardOutput.hasPrefix(".TH CHATSHELL 1"))
        for option in ["\\-\\-server <url>", "\\-\\-llm <url>", ".SS chatshell ask", ".SS chatshell serve"] {
            #expect(run.standardOutput.contains(option), "\(option)")
        }
        let help = try await BinaryRun.run(["--help"], home: home.url)
        let serverLine = try #require(help.standardOutput.range(of: "--server <url>"))
        let subcommands = try #require(help.standardOutput.range(of: "SUBCOMMANDS:"))
        #expect(serverLine.lowerBound < subcommands.lowerBound)
        #expect(help.standardOutput.contains("--llm <url>"))
    }
}
