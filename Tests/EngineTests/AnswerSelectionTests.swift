import ChatAPI
import ChatTestSupport
import Foundation
import Testing

@testable import Engine

/// The extractive answerer on small documents written for each behaviour: what it quotes, how it cites, when it
/// abstains.
@Suite struct AnswerSelectionTests {
    /// A store holding one text document per entry (file name, text), every one processed.
    static func store(_ documents: [(String, String)]) async throws -> NorthwindStore {
        let directory = TemporaryDirectory(prefix: "chatshell-select")
        let files = directory.url.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        let knowledgeBase = try KnowledgeBase(configuration: EngineConfiguration(dataDirectory: directory.url))
        var ids: [String: String] = [:]
        for (name, text) in documents {
            let file = files.appendingPathComponent(name)
            try Data(text.utf8).write(to: file)
            let response = try await knowledgeBase.upload(file: file, title: nil, shared: false, as: .local).response
            let status = try await knowledgeBase.waitUntilProcessed(id: response.documentId, as: .local)
            #expect(status.status == "completed")
            ids[name] = response.documentId
        }
        return NorthwindStore(knowledgeBase: knowledgeBase, directory: directory, ids: ids)
    }

    @Test func bracketedNumbersInADocumentStayLiteral() async throws {
        let store = try await Self.store([
            (
                "arrays.md",
                "# Arrays\n\nThe json_array function builds an array from its arguments, so json_array(1, 2, 3) "
                    + "returns the text '[1, 2, 3]' as its result.\n"
            )
        ])
        let events = try await store.events("What does json_array(1, 2, 3) return?")
        let done = try #require(events.done)
        #expect(done.finishReason == .stop)
        #expect(done.answer.contains("'[1, 2, 3]'"))
        // Only the engine's own marker is a citation: one, for source 1, at the end of the quoted sentence.
        #expect(done.citations.map(\.n) == [1])
        #expect(done.citations.first?.spans.count == 1)
        #expect(done.answer.hasSuffix("[1]."))
    }

    @Test func anIdentifierNoSourceNamesMakesItAbstain() async throws {
        let store = try await Self.store([
            (
                "threads.md",
                "# Threads\n\nThe worker_threads setting limits the helper threads of one query; its default is 0.\n"
            )
        ])
        let known = try await store.events("What is the default of worker_threads?")
        #expect(known.done?.finishReason == .stop)
        #expect(known.done?.answer.contains("default is 0") == true)
        let unknown = try await store.events("What is the default of max_worker_threads?")
        #expect(unknown.done?.finishReason == .noContext)
        #expect(unknown.sources.isEmpty)
    }

    @Test func aSentenceThatOnlyDeniesIsCompletedByTheOneThatSaysInstead() async throws {
        let store = try await Self.store([
            (
                "types.md",
                "# Types\n\nThe engine does not have a separate flag type for switches. Instead, flag values are "
                    + "kept as the integers 0 and 1. Text values are kept as they were written.\n"
            )
        ])
        let done = try #require(try await store.events("How are flag values kept?").done)
        #expect(done.finishReason == .stop)
        #expect(done.answer.contains("Instead, flag values are kept as the integers 0 and 1"))
    }

    @Test func aQuestionAfterSeveralThingsGetsTheSentenceThatListsThem() async throws {
        let store = try await Self.store([
            (
                "formats.md",
                "# Formats\n\nThe export formats of the tool differ in size; the CSV export format is the largest "
                    + "of 3 formats.\n\nThe tool writes one of the following export formats:\n\n- CSV\n- JSON\n"
                    + "- Parquet\n"
            )
        ])
        let done = try #require(try await store.events("Which export formats does the tool write?").done)
        #expect(done.finishReason == .stop)
        #expect(done.answer.contains("one of the following export formats"))
        #expect(done.answer.contains("Parquet"))
    }

    @Test func aSentenceReferringBackIsQuotedAfterTheSentenceItNeeds() async throws {
        let store = try await Self.store([
            (
                "courses.md",
                "# Courses\n\nThe academy runs a welding course every month in two cities. It costs $900 per seat. "
                    + "A painting course is held every quarter and costs $500 per seat.\n"
            )
        ])
        let done = try #require(try await store.events("How much does a seat on the welding course cost?").done)
        #expect(done.answer.contains("welding course every month in two cities. It costs $900 per seat"))
        #expect(!done.answer.contains("$500"))
    }
    @Test func theSentenceStatingTheValueWinsThroughItsParagraph() async throws {
        // Given a paragraph whose value sentence leaves the question's other words to the sentence before it, and
        // a sentence elsewhere that repeats every word of the question without a value
        let store = try await Self.store([
            (
                "colours.md",
                "# Painting\n\nWhen a new widget is built, the line paints it. For many years the default colour "
                    + "was grey, but since 2021 the default colour is teal.\n\n# Options\n\nThe paint_colour option "
                    + "changes the default colour of every new widget built on the line.\n"
            )
        ])
        // When asked for the value
        let done = try #require(try await store.events("What is the default colour of a new widget?").done)
        // Then the answer states it
        #expect(done.answer.contains("teal"), "\(done.answer)")
    }

    @Test func aLineThatOnlyNamesAnOptionIsQuotedWithTheLineThatDescribesIt() async throws {
        let store = try await Self.store([
            (
                "packer.md",
                "# Options\n\n-k --keep\n\nKeep the input files after packing them.\n\n-q --quiet\n\n"
                    + "Print nothing but errors.\n"
            )
        ])
        let done = try #require(try await store.events("What does the -k option of the packer do?").done)
        #expect(done.answer.contains("-k --keep\nKeep the input files after packing them"), "\(done.answer)")
        #expect(!done.answer.contains("quiet"))
    }

    @Test func aShortSentenceIsQuotedWithTheNextSentenceOfItsParagraph() async throws {
        let store = try await Self.store([
            (
                "minutes.md",
                "# Decisions\n\nThe board met on Monday. On the proposal, the board said no. The standard "
                    + "warranty remains 24 months.\n\nThe pilot of the new gripper was approved and starts in May.\n"
            )
        ])
        let done = try #require(try await store.events("What did the board say about the proposal?").done)
        #expect(done.answer.contains("On the proposal, the board said no. The standard warranty remains 24 months"))
    }

    @Test func aQuestionAfterAWayGetsTheLineThatIntroducesTheCommand() async throws {
        let store = try await Self.store([
            (
                "checker.md",
                "# Running your program under the checker\n\nThe checker runs your program on a simulated "
                    + "processor, so running it is slower than running the program alone.\n\nIf you normally run "
                    + "your program like this:\n\n```\nmyprog arg1 arg2\n```\n\nUse this command line:\n\n```\n"
                    + "checker --leaks=yes myprog arg1 arg2\n```\n"
            )
        ])
        let done = try #require(try await store.events("How do I run my program under the checker?").done)
        #expect(done.answer.contains("checker --leaks=yes myprog arg1 arg2"), "\(done.answer)")
    }
    @Test func aFunctionWrittenAsACallThatNoSourceNamesMakesItAbstain() async throws {
        let store = try await Self.store([
            (
                "aggregates.md",
                "# Aggregate functions\n\nThe avg() aggregate function returns the average of the values of a "
                    + "group. The total() aggregate function returns the sum of the values of a group.\n"
            )
        ])
        let known = try await store.events("What does the avg() aggregate function return for a group of values?")
        #expect(known.done?.answer.contains("average") == true)
        // Every other word of the question is in the document: only the function it names is not.
        let unknown = try await store.events("What does the median() aggregate function return for a group of values?")
        #expect(unknown.done?.finishReason == .noContext)
        #expect(unknown.sources.isEmpty)
    }

    @Test func aQuestionAfterAnAmountIsNotAnsweredWithoutAFigure() async throws {
        // Given a page that speaks of the scheduler's worker threads without saying how many
        let vague = try await Self.store([
            (
                "scheduler.md",
                "# Scheduler\n\nThe scheduler starts worker threads when jobs arrive. Worker threads of the "
                    + "scheduler share a queue.\n"
            )
        ])
        // Then "how many" abstains: the words match, the amount is missing
        let unknown = try await vague.events("How many worker threads does the scheduler start?")
        #expect(unknown.done?.finishReason == .noContext, "\(unknown.done?.answer ?? "")")
        // And a page that states the amount answers it
        let stated = try await Self.store([
            ("scheduler.md", "# Scheduler\n\nThe scheduler starts four worker threads when jobs arrive.\n")
        ])
        let known = try await stated.events("How many worker threads does the scheduler start?")
        #expect(known.done?.answer.contains("four worker threads") == true)
    }

    @Test func aSentenceThatOnlyRestatesTheQuestionIsQuotedWithWhatFollows() async throws {
        let store = try await Self.store([
            (
                "order.md",
                "# Checking order\n\nThere are several reasons for checking names before contents. Reading "
                    + "contents is slow, because every file must be opened and read.\n"
            )
        ])
        let done = try #require(try await store.events("Why are names checked before contents?").done)
        #expect(done.answer.contains("Reading contents is slow"), "\(done.answer)")
    }

    @Test func aDefinitionListEntryAnswersWhatItsTermMeans() async throws {
        // Given a return-value list that names every code in one line (with a figure), and a definition list
        let store = try await Self.store([
            (
                "errors.md",
                "# Errors\n\nCalls return E_BUSY_LOCK (code 5) if the lock is taken, E_NO_ROOM if the disk is "
                    + "full, and E_OK otherwise.\n\nE_BUSY_LOCK\n\nAnother process holds the lock on the data "
                    + "file.\n\nE_NO_ROOM\n\nThe disk has no space left.\n"
            )
        ])
        let done = try #require(try await store.events("What does E_BUSY_LOCK mean?").done)
        // Then the entry of the definition list answers, term and description
        #expect(done.answer.contains("E_BUSY_LOCK\nAnother process holds the lock"), "\(done.answer)")
    }

    @Test func sentencesMatchingDifferentWordsOfTheQuestionDoNotAddUpToAnAnswer() async throws {
        // Given documents that each share a different part of the question, none connected to another
        let store = try await Self.store([
            ("packer.md", "# Packer\n\nThe packer daemon compresses the spool folder every night.\n"),
            ("terminal.md", "# Terminal\n\nWarnings are printed in amber by the terminal theme.\n"),
            ("garden.md", "# Garden\n\nThe garden is watered at dawn by the caretaker.\n"),
            ("kitchen.md", "# Kitchen\n\nThe kitchen opens at noon for staff and guests.\n"),
        ])
        let events = try await store.events("In which colour does the packer daemon print its warnings?")
        #expect(events.done?.finishReason == .noContext, "\(events.done?.answer ?? "")")
    }
}
