import ChatTestSupport
import Foundation
import Testing

/// `chatshell ingest` run again on a folder keeps the local store in step with it.
@Suite struct IngestCommandTests {
    /// The `ingest --json` summary's document lists, by file name.
    private struct Summary: Decodable {
        struct Named: Decodable { var filename: String }
        var ingested: [Named]
        var skipped: [Named]
        var pruned: [Named]?
    }

    private static func summary(_ run: BinaryRun) throws -> Summary {
        try JSONDecoder().decode(Summary.self, from: Data(run.standardOutput.utf8))
    }

    @Test func reingestSkipsUnchangedFilesReplacesChangedOnesAndPrunesGoneOnes() async throws {
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let home = TemporaryDirectory()
        let folder = home.url.appendingPathComponent("notes")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("sub"),
            withIntermediateDirectories: true
        )
        let kept = folder.appendingPathComponent("kept.txt")
        let changed = folder.appendingPathComponent("sub/changed.md")
        let gone = folder.appendingPathComponent("gone.txt")
        try Data("The boiler room key hangs behind the blue door of the east wing.".utf8).write(to: kept)
        try Data("# Rota\n\nThe night shift starts at ten and ends at six.".utf8).write(to: changed)
        try Data("Parcels for the lab are collected at noon on Fridays.".utf8).write(to: gone)
        let first = try await BinaryRun.run(["ingest", folder.path, "--json"], home: home.url)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(try Self.summary(first).ingested.map(\.filename).sorted() == ["changed.md", "gone.txt", "kept.txt"])

        try Data("# Rota\n\nThe night shift now starts at eleven and ends at seven.".utf8).write(to: changed)
        try FileManager.default.removeItem(at: gone)
        let second = try await BinaryRun.run(["ingest", folder.path, "--prune", "--json"], home: home.url)

        #expect(second.status == 0, "\(second.standardError)")
        let summary = try Self.summary(second)
        #expect(summary.ingested.map(\.filename) == ["changed.md"])
        #expect(summary.skipped.map(\.filename) == ["kept.txt"])
        #expect(summary.pruned?.map(\.filename) == ["gone.txt"])
        let listing = try await BinaryRun.run(["ask", "/docs"], home: home.url)
        #expect(listing.status == 0, "\(listing.standardError)")
        #expect(listing.standardOutput.contains("kept.txt"))
        #expect(listing.standardOutput.contains("changed.md"))
        #expect(!listing.standardOutput.contains("gone.txt"))
        let answer = try await BinaryRun.run(["When does the night shift start?"], home: home.url)
        #expect(answer.standardOutput.contains("eleven"), "\(answer.standardOutput)")
        #expect(!answer.standardOutput.contains("starts at ten"), "\(answer.standardOutput)")
    }

    @Test func pruneAgainstAServerIsRefusedBeforeAnythingIsUploaded() async throws {
        _ = try #require(TestCorpus.binary, "build chatshell first: swift build")
        let home = TemporaryDirectory()
        let file = home.url.appendingPathComponent("a.txt")
        try Data("Some text about the archive shelves.".utf8).write(to: file)
        // Nothing listens there: the refusal comes before any request.
        let run = try await BinaryRun.run(
            ["ingest", "--server", "http://127.0.0.1:9", file.path, "--prune"],
            home: home.url
        )
        #expect(run.status != 0)
        #expect(
            run.standardError.contains(
                "--prune works on the local store only: a server does not know which files its documents came from."
            ),
            "\(run.standardError)"
        )
    }
}
