import ChatTestSupport
import Commands
import Foundation
import Glibc
import Testing

/// Crashes and lost work, typed through the built binary on a pseudo-terminal: Tab on short paths, quoted and
/// `~` completion, history written per line, session names never replaced.
@Suite(.serialized) struct ReplRecoveryPTYTests {
    private func start(home: TemporaryDirectory, directory: URL? = nil) throws -> PseudoTerminal? {
        guard let binary = TestCorpus.binary else { return nil }
        let environment = PseudoTerminal.environment(home: home.url)
        return try PseudoTerminal(
            executable: binary,
            arguments: [],
            environment: environment,
            currentDirectory: directory
        )
    }

    @Test func tabAfterAOneCharacterPathNeverCrashes() async throws {
        let home = TemporaryDirectory()
        let work = TemporaryDirectory()
        try Data("x".utf8).write(to: work.url.appendingPathComponent("spec.txt"))
        let terminal = try #require(try start(home: home, directory: work.url), "build chatshell first: swift build")
        #expect(await terminal.waitFor("> "))
        for partial in ["s", ".", "x", "~", "/"] {
            for command in ["/upload", "/admin docs upload"] {
                terminal.type("\(command) \(partial)\t\t")
                // Ctrl-U empties the line again.
                terminal.type("\u{15}")
            }
        }
        let before = terminal.text.count
        terminal.type("/whoami\r")
        #expect(await terminal.waitFor("local user", after: before))
        #expect(!terminal.text.contains("crashed"))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func tabQuotesAFolderWithASpaceAndTildeFollowsHOME() async throws {
        let home = TemporaryDirectory()
        let work = TemporaryDirectory()
        let folder = work.url.appendingPathComponent("my notes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("The gate code is 4711.".utf8).write(to: folder.appendingPathComponent("gate code.txt"))
        try Data("The printer is on floor 3.".utf8).write(to: home.url.appendingPathComponent("printer-notes.txt"))
        let terminal = try #require(try start(home: home, directory: work.url), "build chatshell first: swift build")
        #expect(await terminal.waitFor("> "))

        // A folder with a space completes quoted, and its file completes and closes the quote
        terminal.type("/upload my\t")
        #expect(await terminal.waitFor("\"my notes/"))
        terminal.type("\t")
        #expect(await terminal.waitFor("\"my notes/gate code.txt\" "))
        terminal.type("\r")
        #expect(await terminal.waitFor("Indexed gate code.txt as doc_"))

        // ~ is $HOME, as in the shell, both for completion and for the upload itself
        let before = terminal.text.count
        terminal.type("/upload ~/print\t")
        #expect(await terminal.waitFor("~/printer-notes.txt", after: before))
        terminal.type("\r")
        #expect(await terminal.waitFor("Indexed printer-notes.txt as doc_", after: before))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func historyIsOnDiskAsSoonAsALineIsEntered() async throws {
        let home = TemporaryDirectory()
        let terminal = try #require(try start(home: home), "build chatshell first: swift build")
        #expect(await terminal.waitFor("> "))
        terminal.type("/whoami\r")
        #expect(await terminal.waitFor("local user"))

        // Then the entry is in the file while the REPL still runs, with mode 0600
        let history = home.url.appendingPathComponent("history")
        var written = ""
        // Written by the reader's thread; nothing signals the file, so this one wait looks every 20 ms (a watchdog
        // of 120 s for a defect, never a window).
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            written = (try? String(contentsOf: history, encoding: .utf8)) ?? ""
            if written.contains("/whoami") { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(written == "\"/whoami\"\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: history.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // And a killed REPL loses none of it
        kill(try #require(terminal.processIdentifier), SIGKILL)
        _ = await terminal.waitForExit()
        #expect(try String(contentsOf: history, encoding: .utf8) == "\"/whoami\"\n")
    }
}

/// Work that must survive: session names, `/save` transcripts that replay where they were saved.
@Suite(.serialized) struct SessionSurvivalTests {
    @Test func aSecondSessionWithTheSameFirstQuestionGetsASuffix() async throws {
        let home = TemporaryDirectory()
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let first = try await BinaryRun.run(
            [],
            input: "What is the hotel cap?\nAnd in Leipzig?\nAnd in Paris?\n",
            home: home.url
        )
        #expect(first.status == 0)
        let second = try await BinaryRun.run([], input: "What is the hotel cap?\n", home: home.url)
        #expect(second.status == 0)

        let folder = home.url.appendingPathComponent("sessions")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count == 2)
        let firstName = try #require(names.first { !$0.contains("hotel-cap-2") })
        #expect(names.contains { $0.hasSuffix("-hotel-cap-2.json") })
        let kept = try String(contentsOf: folder.appendingPathComponent(firstName), encoding: .utf8)
        #expect(kept.contains("And in Paris?"))
        // The note about the saved session is for the terminal: with stdout piped it goes to stderr.
        #expect(second.standardError.contains("Saved session "))
        #expect(second.standardError.contains("-hotel-cap-2 (1 turn)."))
        #expect(!second.standardOutput.contains("Saved session"))
    }

    @Test func twoREPLsThatResumedOneSessionLoseNoTurn() async throws {
        let home = TemporaryDirectory()
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let first = try await BinaryRun.run([], input: "What is the hotel cap?\n", home: home.url)
        #expect(first.status == 0)
        let folder = home.url.appendingPathComponent("sessions")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first)
            .replacingOccurrences(of: ".json", with: "")

        // One terminal resumes the session...
        let environment = PseudoTerminal.environment(home: home.url)
        let terminal = try PseudoTerminal(executable: binary, arguments: ["--resume"], environment: environment)
        #expect(await terminal.waitFor("Resumed \(name) (1 turn)."))
        #expect(await terminal.waitFor("\n> "))
        // ...another one resumes it too and asks something...
        let second = try await BinaryRun.run(["--resume"], input: "And in Leipzig?\n", home: home.url)
        #expect(second.status == 0)
        // ...and then the first one asks
        terminal.type("And in Paris?\r")
        #expect(await terminal.waitFor("\(name)-2."))
        let shown = terminal.text.replacingOccurrences(of: "\n", with: " ")
        #expect(shown.contains("was continued elsewhere meanwhile; this conversation is saved as \(name)-2."))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)

        // Both continuations are kept, each under its own name
        func inputs(_ session: String) throws -> [String] {
            let data = try Data(contentsOf: folder.appendingPathComponent(session + ".json"))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            return (object["turns"] as? [[String: Any]] ?? []).compactMap { $0["input"] as? String }
        }
        #expect(try inputs(name) == ["What is the hotel cap?", "And in Leipzig?"])
        #expect(try inputs(name + "-2") == ["What is the hotel cap?", "And in Paris?"])
    }

    @Test func saveWithRememberAndDocsRmReplaysWhereItWasSaved() async throws {
        let home = TemporaryDirectory()
        let work = TemporaryDirectory()
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        for name in ["employee-handbook.md", "faq.md"] {
            try FileManager.default.copyItem(
                at: TestCorpus.document(name),
                to: work.url.appendingPathComponent(name)
            )
        }
        let input = """
            /upload employee-handbook.md faq.md
            /remember My manager is Priya Natarajan.
            I have a single expense claim of $900. Who has to approve it?
            /docs rm faq.md
            How do I reset my password?
            /save demo

            """
        let session = try await BinaryRun.run([], input: input, home: home.url, directory: work.url)
        #expect(session.status == 0)
        let saved = try String(contentsOf: work.url.appendingPathComponent("demo.chat"), encoding: .utf8)
        #expect(saved.contains("> /remember My manager is Priya Natarajan.\n| Remembered [ID]: My manager is Priya"))
        #expect(saved.contains("> /docs rm faq.md\n| Deleted faq.md ([ID])"))
        #expect(saved.contains("| Indexed faq.md as [ID]"))
        #expect(!saved.contains("@ skip"))

        // Replayed in the folder it was saved in, which is no Swift package, on a fresh store
        let replayHome = TemporaryDirectory()
        let replay = try await BinaryRun.run(["replay", "demo.chat"], home: replayHome.url, directory: work.url)
        #expect(replay.status == 0, "\(replay.standardOutput)\(replay.standardError)")
        #expect(replay.standardOutput.contains("1 passed"))
    }
}

/// Streams that end early, and accounts that change, against real and scripted servers.
@Suite(.serialized) struct StreamEndingTests {
    /// A server that answers every question with a stream the backend cut short (`finish_reason: cancelled`).
    private static func cancellingServer() throws -> LoopbackListener {
        let listener = try LoopbackListener()
        listener.start { connection in
            guard LoopbackListener.readRequest(connection) != nil else { return }
            func event(_ name: String, _ json: String) -> String { "event: \(name)\ndata: \(json)\n\n" }
            let body =
                event(
                    "meta",
                    #"{"type":"meta","api_version":"1","request_id":"req_1","conversation_id":"cnv_1","message_id":"msg_1","model":"extractive"}"#
                )
                + event(
                    "sources",
                    #"{"type":"sources","sources":[{"n":1,"id":"chk_1","kind":"document","document_id":"doc_1","chunk_id":"chk_1","filename":"travel-policy.pdf","title":"Travel","page":1,"snippet":"cap","text":"cap","score":1.0,"char_start":null,"char_end":null,"heading":"Hotels"}]}"#
                )
                + event("token", #"{"type":"token","chunk":"The nightly cap is "}"#)
                + event(
                    "done",
                    #"{"type":"done","finish_reason":"cancelled","answer":"The nightly cap is ","citations":[],"memory_added":null,"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2},"timings_ms":{"retrieval":1,"first_token":1,"total":2},"conversation_id":"cnv_1","message_id":"msg_1"}"#
                )
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
            _ = LoopbackListener.sendAll(connection, Data((head + body).utf8))
        }
        return listener
    }

    @Test func askExitsNonZeroWhenTheServerCutsTheAnswerShort() async throws {
        let home = TemporaryDirectory()
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let server = try Self.cancellingServer()
        defer { server.stop() }
        let run = try await BinaryRun.run(
            ["ask", "--server", "http://127.0.0.1:\(server.port)", "What is the nightly hotel cap?"],
            home: home.url
        )
        #expect(run.status == 1)
        #expect(run.standardOutput.contains("The nightly cap is \n[interrupted]\n"))
        #expect(!run.standardOutput.contains("Sources:"))
        #expect(run.standardError.contains("cut off"))
    }

    @Test func theREPLShowsACutOffAnswerAsInterrupted() async throws {
        let home = TemporaryDirectory()
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let server = try Self.cancellingServer()
        defer { server.stop() }
        let run = try await BinaryRun.run(
            ["--server", "http://127.0.0.1:\(server.port)"],
            input: "What is the nightly hotel cap?\n/history\n",
            home: home.url
        )
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("The nightly cap is \n[interrupted]\n"))
        #expect(!run.standardOutput.contains("Sources:"))
    }

    @Test func aCutOffAnswerOnATerminalEndsInInterrupted() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let server = try Self.cancellingServer()
        defer { server.stop() }
        let home = TemporaryDirectory()
        let environment = PseudoTerminal.environment(home: home.url)
        let terminal = try PseudoTerminal(
            executable: binary,
            arguments: ["--server", "http://127.0.0.1:\(server.port)"],
            environment: environment,
            columns: 60
        )
        #expect(await terminal.waitFor("> "))
        let mark = terminal.text.count
        terminal.type("What is the nightly hotel cap?\r")
        #expect(await terminal.waitFor("\n> ", after: mark))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
        var screen = ScreenModel(width: 60)
        screen.feed(terminal.rawBytes)
        let rows = screen.lines.drop { !$0.hasPrefix("> What is the nightly") }.dropFirst().prefix {
            !$0.hasPrefix(">")
        }
        #expect(Array(rows) == ["The nightly cap is", "[interrupted]"])
    }

    /// A model that stops sending in the middle of its answer (the connection closes, no finish reason).
    @Test func aModelThatFailsMidAnswerEndsVisibly() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let model = try FakeOpenAIServer { _ in
            Array(FakeOpenAIServer.stream(["The NR-X300 carries ", "14 kg and "], done: false).dropLast())
        }
        defer { model.stop() }
        let home = TemporaryDirectory()
        let llm = ["--llm", model.baseURL.absoluteString]
        let ingest = try await BinaryRun.run(
            ["ingest", TestCorpus.document("product-x300-spec.pdf").path],
            home: home.url
        )
        #expect(ingest.status == 0)

        // ask: the partial text, the error, exit 1
        let ask = try await BinaryRun.run(llm + ["ask", "What payload does the NR-X300 carry?"], home: home.url)
        #expect(ask.status == 1)
        #expect(ask.standardOutput.contains("The NR-X300 carries 14 kg and"))
        #expect(ask.standardError.contains("error: "))

        // The REPL on a terminal: the partial text, then the error on its own line, and the prompt back
        let environment = PseudoTerminal.environment(home: home.url)
        let terminal = try PseudoTerminal(executable: binary, arguments: llm, environment: environment, columns: 60)
        #expect(await terminal.waitFor("> "))
        let mark = terminal.text.count
        terminal.type("What payload does the NR-X300 carry?\r")
        #expect(await terminal.waitFor("error: ", after: mark))
        #expect(await terminal.waitFor("\n> ", after: mark))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
        var screen = ScreenModel(width: 60)
        screen.feed(terminal.rawBytes)
        #expect(screen.softWraps.isEmpty, "rows the terminal wrapped: \(screen.softWraps)")
        let rows = Array(
            screen.lines.drop { !$0.hasPrefix("> What payload") }.dropFirst().prefix { !$0.hasPrefix(">") }
        )
        #expect(rows.first == "The NR-X300 carries 14 kg and")
        #expect(rows.dropFirst().contains { $0.hasPrefix("error: ") })
        #expect(!rows.contains("Sources:"))
    }

    @Test func afterLogoutTheNextQuestionStartsANewConversation() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let serverHome = TemporaryDirectory()
        let server = try await ServerProcess(binary: binary, dataDirectory: serverHome.url)
        let home = TemporaryDirectory()
        let environment = PseudoTerminal.environment(home: home.url)
        let terminal = try PseudoTerminal(
            executable: binary,
            arguments: ["--server", server.url],
            environment: environment
        )
        #expect(await terminal.waitFor("> "))
        terminal.type("/register dana@example.com\r")
        #expect(await terminal.waitFor("Password for dana@example.com: "))
        terminal.type("correct horse battery staple\r")
        #expect(await terminal.waitFor("Registered and logged in"))
        terminal.type("What is the nightly hotel cap?\r")
        #expect(await terminal.waitFor("(no sources)"))

        // When the user logs out and asks again
        let before = terminal.text.count
        terminal.type("/logout\r")
        #expect(await terminal.waitFor("Logged out. Started a new conversation.", after: before))
        terminal.type("What is the nightly hotel cap?\r")

        // Then the question is answered in a new conversation of the anonymous session
        #expect(await terminal.waitFor("(no sources)", after: before))
        #expect(!terminal.text.dropFirst(before).contains("not found"))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
        #expect(await server.stop() == 0)
    }
}

/// REPL habits through a pseudo-terminal: leaving with exit, quit or /bye, /clear, the editor, Ctrl-Z and `fg`,
/// Ctrl-C while an upload is indexed.
@Suite(.serialized) struct ReplHabitsPTYTests {
    private func start(
        home: TemporaryDirectory,
        extra: [String: String] = [:],
        directory: URL? = nil
    ) throws -> PseudoTerminal? {
        guard let binary = TestCorpus.binary else { return nil }
        var environment = PseudoTerminal.environment(home: home.url)
        environment.merge(extra) { $1 }
        return try PseudoTerminal(
            executable: binary,
            arguments: [],
            environment: environment,
            currentDirectory: directory
        )
    }

    @Test(arguments: ["exit", "quit", "/bye", "  Exit  "])
    func wordsThatLeave(_ word: String) async throws {
        let home = TemporaryDirectory()
        let terminal = try #require(try start(home: home), "build chatshell first: swift build")
        #expect(await terminal.waitFor("> "))
        terminal.type("\(word)\r")
        #expect(await terminal.waitForExit() == 0)
        #expect(!terminal.text.contains("could not find"))
    }

    @Test func clearClearsTheScreen() async throws {
        let home = TemporaryDirectory()
        let terminal = try #require(try start(home: home), "build chatshell first: swift build")
        #expect(await terminal.waitFor("> "))
        terminal.type("/clear\r")
        #expect(await terminal.waitForRaw("\u{1B}[H\u{1B}[2J"))
        // `clear` alone, as typed into a shell, clears too rather than being asked as a question.
        let cleared = terminal.rawBytes.count
        terminal.type("clear\r")
        #expect(await terminal.waitForRaw("\u{1B}[H\u{1B}[2J", after: cleared))
        terminal.type("/history\r")
        #expect(await terminal.waitFor("No turns yet."))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func ctrlXCtrlEAndEditComposeInTheEditor() async throws {
        let home = TemporaryDirectory()
        // An "editor" that appends a question to whatever it is given, as a person would type it.
        let editor = home.url.appendingPathComponent("editor.sh")
        try Data("#!/bin/sh\nprintf '%s' \"$(cat \"$1\") nightly hotel cap?\" > \"$1\"\n".utf8).write(to: editor)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        let terminal = try #require(
            try start(home: home, extra: ["EDITOR": editor.path, "VISUAL": ""]),
            "build chatshell first: swift build"
        )
        #expect(await terminal.waitFor("> "))
        terminal.type("What is the")
        terminal.type("\u{18}\u{05}")
        #expect(await terminal.waitFor("(no sources)"))
        let before = terminal.text.count
        terminal.type("/edit Which is the\r")
        #expect(await terminal.waitFor("> Which is the nightly hotel cap?", after: before))
        #expect(await terminal.waitFor("(no sources)", after: before))
        terminal.type("/history\r")
        #expect(await terminal.waitFor("> What is the nightly hotel cap?", after: before))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func theREPLRedrawsItsPromptWhenContinued() async throws {
        let home = TemporaryDirectory()
        let terminal = try #require(try start(home: home), "build chatshell first: swift build")
        #expect(await terminal.waitFor("> "))
        terminal.type("What is")
        #expect(await terminal.waitFor("> What is"))
        let before = terminal.text.count
        // What `fg` sends after Ctrl-Z stopped the process.
        kill(try #require(terminal.processIdentifier), SIGCONT)
        #expect(await terminal.waitFor("> What is", after: before))
        terminal.type("\u{15}/quit\r")
        #expect(await terminal.waitForExit() == 0)
    }

    /// Ctrl-Z typed at the prompt under a job-control shell, then `fg`: the prompt and the typed text come back.
    @Test func ctrlZStopsAndFgRedrawsThePrompt() async throws {
        let binary = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let home = TemporaryDirectory()
        let environment = PseudoTerminal.environment(home: home.url).merging(["PS1": "$ "]) { $1 }
        let shell = try PseudoTerminal(
            executable: URL(fileURLWithPath: "/bin/bash"),
            arguments: ["--norc", "--noprofile", "-i"],
            environment: environment
        )
        #expect(await shell.waitFor("$ "))
        shell.type("cd '\(TestCorpus.documents.path)'\r")
        shell.type("CHATSHELL_TOKEN_DELAY_MS=80 '\(binary.path)'\r")
        #expect(await shell.waitFor("Ctrl-D to quit"))
        shell.type("What is")
        #expect(await shell.waitFor("> What is"))
        shell.type("\u{1A}")
        #expect(await shell.waitFor("Stopped"))
        var mark = shell.text.count
        shell.type("fg\r")
        #expect(await shell.waitFor("> What is", after: mark))
        shell.type("\u{15}/upload travel-policy.pdf\r")
        #expect(await shell.waitFor("Indexed travel-policy.pdf", after: mark))
        #expect(await shell.waitFor("\n> ", after: mark))

        // Stopped mid-answer: after `fg` the answer goes on at the start of the line the shell left, whole words
        mark = shell.text.count
        shell.type("What is the nightly hotel cap in high-cost cities?\r")
        #expect(await shell.waitFor("Nightly", after: mark))
        shell.type("\u{1A}")
        #expect(await shell.waitFor("Stopped", after: mark))
        shell.type("fg\r")
        #expect(await shell.waitFor("Sources:", after: mark))
        #expect(await shell.waitFor("\n> ", after: mark))
        shell.type("/quit\r")
        #expect(await shell.waitFor("Saved session", after: mark))
        shell.type("exit\r")
        _ = await shell.waitForExit()

        var screen = ScreenModel(width: 100)
        screen.feed(shell.rawBytes)
        let lines = screen.lines
        let fg = try #require(lines.lastIndex { $0.hasPrefix("$ fg") })
        // The shell names the job on the row after `fg` (wrapped when its path is long); the answer goes on from
        // the row after that.
        let start = try #require((fg + 2..<lines.count).first { !screen.rows[$0].softWrapped })
        let next = lines[start]
        #expect(
            !next.isEmpty && !next.hasPrefix(" "),
            "the answer went on mid-line:\n\(lines[max(0, fg - 4)...].prefix(12).joined(separator: "\n"))"
        )
        let answer = lines[start...].prefix { $0 != "" && $0 != "Sources:" }
        #expect(answer.allSatisfy { DisplayWidth.of($0) <= 100 })
        #expect(answer.joined(separator: " ").contains("Munich [1]."))
    }

    @Test func ctrlCWhileIndexingStopsTheWaitingCleanly() async throws {
        let home = TemporaryDirectory()
        // Each document is held a second before it is read (the slow file on purpose), so the folder's indexing
        // lasts about twenty seconds per two workers after its first result line: the Ctrl-C lands mid-upload
        // however slowly this process reads the terminal (unpaced, the 39 pages were all indexed before it).
        let paced = ["CHATSHELL_INGEST_PAUSE_MS": "1000"]
        let terminal = try #require(try start(home: home, extra: paced), "build chatshell first: swift build")
        #expect(await terminal.waitFor("> "))
        let folder = TestCorpus.repositoryRoot.appendingPathComponent("samples/sqlite/docs")
        terminal.type("/upload \(folder.path)\r")
        #expect(await terminal.waitFor("Indexed "))
        let interrupted = terminal.text.count
        terminal.type("\u{3}")
        #expect(await terminal.waitFor("Stopped: no more files are sent; those sent go on indexing"))
        #expect(await terminal.waitFor("\n> ", after: interrupted))
        #expect(!terminal.text.contains("internal error"))
        #expect(!terminal.text.contains("CancellationError"))
        // Nothing is shown after the notice: no late result line, no frame of the bar.
        let notice = try #require(terminal.text.range(of: "Stopped: no more files"))
        #expect(!terminal.text[notice.upperBound...].contains("Indexed "))
        var screen = ScreenModel(width: 100)
        screen.feed(terminal.rawBytes)
        #expect(
            !screen.lines.contains { $0.contains("files/s") },
            "a frame of the bar stayed:\n\(screen.lines.suffix(12).joined(separator: "\n"))"
        )
        // Sending the folder again sends what was not sent and indexes nothing twice.
        let again = terminal.text.count
        terminal.type("/upload \(folder.path)\r")
        #expect(await terminal.waitFor("withoutrowid.html as doc_", after: again, timeout: .seconds(120)))
        #expect(await terminal.waitFor("\n> ", after: again))
        terminal.type("/docs\r")
        #expect(await terminal.waitFor("39 documents", after: again))
        terminal.type("/quit\r")
        #expect(await terminal.waitForExit() == 0)
    }
}
