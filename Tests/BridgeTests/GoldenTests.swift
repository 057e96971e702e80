import Bridge
import ChatClient
import ChatTestSupport
import Foundation
import Testing

/// Golden sessions on the real engine (bridge.md section 6): `EmbeddedBackend` over a temporary data directory
/// with the Northwind corpus ingested, the default extractive answerer, output normalised and compared per id.
///
/// Record with `CHATSHELL_RECORD_SNAPSHOTS=1 swift test --filter GoldenTests`; a recording run fails on purpose.
@Suite struct GoldenTests {
    /// One corpus for the cases that change nothing in the store; cases that store memories get their own.

    private static var recording: Bool { ProcessInfo.processInfo.environment["CHATSHELL_RECORD_SNAPSHOTS"] == "1" }

    @Test(arguments: GoldenCase.all())
    func sessionMatchesGolden(_ golden: GoldenCase) async throws {
        let script = try golden.script()
        // A fresh store per case: conversations and memories of one golden never leak into another.
        let store = try await NorthwindStore.make()
        let backend = EmbeddedBackend(knowledgeBase: store.knowledgeBase)
        let input = ScriptedInput()
        let sink = CollectingSink()
        let run = await BridgeDriver.run(
            golden.configuration(flags: script.flags),
            backend: backend,
            input: input,
            sink: sink
        ) { _ in
            var expected = 0
            for batch in script.batches {
                input.send(bytes: batch.bytes)
                expected += batch.replies
                let replied = await BridgeDriver.waitFor(sink) {
                    GoldenCase.repliesSeen($0, mode: golden.mode) >= expected
                }
                #expect(replied, "no reply to a batch of \(golden.name)")
            }
            input.close()
        }
        #expect(run.code == 0)

        // The grammar holds whatever the wording.
        switch golden.mode {
        case .jsonl:
            #expect(ProtocolGrammar.checkJSONL(run.lines).problems == [])
        case .plain:
            let replies = script.batches.map(\.replies).reduce(0, +)
            #expect(ProtocolGrammar.checkPlain(run.lines, replies: replies) == [])
        }

        let actual =
            golden.mode == .jsonl
            ? GoldenNormalizer.canonicalJSONL(run.lines) : run.lines.map(GoldenNormalizer.redactIds)
        let expectedText = try? String(contentsOf: golden.outputURL, encoding: .utf8)
        let expected = expectedText.map { text in
            Array(
                text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast(
                    text.hasSuffix("\n") ? 1 : 0
                )
            )
        }.map { golden.mode == .jsonl ? GoldenNormalizer.canonicalJSONL($0) : $0 }
        let matches: Bool
        switch golden.mode {
        case .jsonl: matches = expected.map { GoldenNormalizer.groups($0) == GoldenNormalizer.groups(actual) } ?? false
        case .plain: matches = expected == actual
        }
        if matches { return }
        if Self.recording {
            try (actual.joined(separator: "\n") + "\n").write(to: golden.outputURL, atomically: true, encoding: .utf8)
            Issue.record("recorded \(golden.outputURL.lastPathComponent); run again without CHATSHELL_RECORD_SNAPSHOTS")
            return
        }
        guard let expected else {
            Issue.record("no golden \(golden.outputURL.lastPathComponent); record with CHATSHELL_RECORD_SNAPSHOTS=1")
            return
        }
        let expectedGroups = GoldenNormalizer.groups(expected)
        let actualGroups = GoldenNormalizer.groups(actual)
        for key in Set(expectedGroups.keys).union(actualGroups.keys).sorted()
        where expectedGroups[key] != actualGroups[key] {
            #expect(actualGroups[key] == expectedGroups[key], "\(golden.name): lines of id '\(key)' differ")
        }
        if golden.mode == .plain { #expect(actual == expected) }
    }
}
