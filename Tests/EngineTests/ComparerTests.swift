import ChatAPI
import ChatTestSupport
import Foundation
import Testing

@testable import Engine

// MARK: - Fixtures

/// The corpus documents the comparison tests need, ingested once into a temporary store.
private enum CompareFixture {
    static let files = [
        "product-x200-spec.pdf", "product-x300-spec.pdf", "travel-policy.pdf", "security-policy.html",
        "warranty-terms.txt",
    ]

    static let store = Task { try await NorthwindStore.make(documents: files) }

    static func id(_ file: String) async throws -> String {
        try #require(try await store.value.ids[file])
    }
}

/// One pair of `samples/northwind/compare.json`.
private struct GroundTruthPair: Decodable {
    struct Similarity: Decodable {
        var attribute: String
        var value: String
        var keyPhraseA: String
        var keyPhraseB: String
    }

    struct Difference: Decodable {
        var attribute: String
        var a: String
        var b: String
        var keyPhraseA: String
        var keyPhraseB: String
    }

    var id: String
    var docA: String
    var docB: String
    var prompt: String
    var similarities: [Similarity]
    var differences: [Difference]

    static func load() throws -> [GroundTruthPair] {
        struct File: Decodable { var pairs: [GroundTruthPair] }
        let data = try Data(contentsOf: TestCorpus.root.appendingPathComponent("compare.json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(File.self, from: data).pairs
    }
}

/// The corpus matching rule (README): NFC, lower case, whitespace runs collapsed; here also bounded by non-word
/// characters, so that "10" does not match inside "100".
private func mentions(_ text: String, _ phrase: String) -> Bool {
    func fold(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.lowercased().split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
    }
    let haystack = fold(text)
    let needle = fold(phrase)
    guard !needle.isEmpty else { return false }
    var searchStart = haystack.startIndex
    while let range = haystack.range(of: needle, range: searchStart..<haystack.endIndex) {
        let before = range.lowerBound == haystack.startIndex ? nil : haystack[haystack.index(before: range.lowerBound)]
        let after = range.upperBound == haystack.endIndex ? nil : haystack[range.upperBound]
        let isWordCharacter: (Character?) -> Bool = { $0.map { $0.isLetter || $0.isNumber } ?? false }
        if !isWordCharacter(before) && !isWordCharacter(after) { return true }
        searchStart = haystack.index(after: range.lowerBound)
    }
    return false
}

/// The attribute a report line names ("Rated payload" of "Rated payload: 8 kg [2] vs 14 kg [17]."), without
/// qualifiers.
private func attributeName(of line: String) -> String {
    guard let colon = line.range(of: ": ") else { return "" }
    return line[..<colon.lowerBound].replacingOccurrences(of: #"\s*\([^)]*\)"#, with: "", options: .regularExpression)
        .lowercased()
}

private func withoutQualifier(_ name: String) -> String {
    name.replacingOccurrences(of: #"\s*\([^)]*\)"#, with: "", options: .regularExpression).lowercased()
}

private func collect(_ stream: AsyncThrowingStream<StreamEvent, any Error>) async throws -> [StreamEvent] {
    var events: [StreamEvent] = []
    for try await event in stream { events.append(event) }
    return events
}

private func comparison(_ files: [String], query: String? = nil) async throws -> [StreamEvent] {
    let store = try await CompareFixture.store.value
    var ids: [String] = []
    for file in files { ids.append(try await CompareFixture.id(file)) }
    return try await collect(
        try store.knowledgeBase.compare(CompareRequest(documentIds: ids, query: query), as: .local)
    )
}

private func validationFields(_ body: () throws -> Void) -> [String] {
    do {
        try body()
    } catch let error as EngineError {
        guard case .validation(let problems) = error else { return ["unexpected \(error)"] }
        return problems.map(\.field)
    } catch {
        return ["unexpected \(error)"]
    }
    return []
}

// MARK: - Corpus ground truth

@Suite struct ComparerTests {
    @Test func everyListedDifferenceIsNamedWithBothValues() async throws {
        for pair in try GroundTruthPair.load() {
            // Given the two sheets of the ground truth
            let events = try await comparison([pair.docA, pair.docB], query: pair.prompt)
            let result = try #require(events.done?.comparison)

            // Then each listed difference has a difference line naming both values
            for difference in pair.differences {
                let named = result.differences.contains { line in
                    (mentions(line, difference.a) || mentions(line, difference.keyPhraseA))
                        && (mentions(line, difference.b) || mentions(line, difference.keyPhraseB))
                }
                #expect(named, "\(pair.id): \(difference.attribute) is not named with both values")
            }
        }
    }

    @Test func noListedSimilarityIsCalledADifference() async throws {
        for pair in try GroundTruthPair.load() {
            let events = try await comparison([pair.docA, pair.docB], query: pair.prompt)
            let result = try #require(events.done?.comparison)
            for similarity in pair.similarities {
                let name = withoutQualifier(similarity.attribute)
                // No difference line is about the attribute or quotes its shared value...
                #expect(
                    !result.differences.contains { attributeName(of: $0) == name },
                    "\(pair.id): \(similarity.attribute) is called a difference"
                )
                #expect(
                    !result.differences.contains { mentions($0, similarity.keyPhraseA) },
                    "\(pair.id): the shared value of \(similarity.attribute) appears among the differences"
                )
                // ...and the shared value is stated as a similarity.
                #expect(
                    result.similarities.contains { mentions($0, similarity.keyPhraseA) },
                    "\(pair.id): \(similarity.attribute) is not stated as a similarity"
                )
            }
        }
    }

    @Test func numericDifferencesGetComputedInsights() async throws {
        let events = try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"])
        let insights = try #require(events.done?.comparison).crossDocumentInsights
        // USD 46,900 - USD 31,500 and 14 kg - 8 kg, each citing both sheets.
        #expect(insights.contains { $0.contains("USD 15,400 higher") })
        #expect(insights.contains { $0.hasPrefix("Rated payload: NR-X300 Osprey is 6 kg higher than NR-X200 Kestrel") })
        for insight in insights {
            #expect(insight.matches(of: /\[\d+\]/).count == 2)
        }
    }

    @Test func proseDocumentsStillGetAReport() async throws {
        // Given two policies with hardly a shared attribute
        let events = try await comparison(["travel-policy.pdf", "security-policy.html"])
        let done = try #require(events.done)
        let result = try #require(done.comparison)

        // Then the report compares their metadata and sections, with a finish reason of stop
        #expect(done.finishReason == .stop)
        #expect(result.differences.contains { $0.hasPrefix("Version: 5.0 [") && $0.contains(" vs 3.2 [") })
        #expect(result.similarities.contains { $0.hasPrefix("Both have the sections Purpose and scope [") })
        #expect(result.differences.contains { $0.hasPrefix("Only Northwind Robotics Travel Policy has the sections ") })
        // A version number is not a quantity to subtract.
        #expect(result.crossDocumentInsights.isEmpty)
        #expect(result.report.hasSuffix("## Cross-document insights\n- None."))
    }

    // MARK: - Stream contract

    @Test func streamFollowsTheContractOrder() async throws {
        let x200 = try await CompareFixture.id("product-x200-spec.pdf")
        let x300 = try await CompareFixture.id("product-x300-spec.pdf")
        let events = try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"])

        // meta (no conversation, no message), status comparing, exactly one sources, then tokens and citations,
        // and done last
        guard case .meta(let meta) = events.first else {
            Issue.record("first event is not meta")
            return
        }
        #expect(meta.conversationId == nil && meta.messageId == nil)
        #expect(events.dropFirst().first == .status(stage: "comparing"))
        #expect(events.filter { $0.type == "sources" }.count == 1)
        let sourcesIndex = try #require(events.firstIndex { $0.type == "sources" })
        #expect(events[..<sourcesIndex].allSatisfy { ["meta", "status"].contains($0.type) })
        #expect(
            events[(sourcesIndex + 1)...].dropLast().allSatisfy { ["token", "citation", "status"].contains($0.type) }
        )
        let done = try #require(events.done)
        #expect(events.last?.type == "done")
        #expect(done.finishReason == .stop)
        #expect(done.conversationId == nil && done.messageId == nil)

        // The tokens form the report, which is the answer and the comparison's report
        let answer = events.compactMap { event -> String? in
            if case .token(let chunk) = event { return chunk }
            return nil
        }
        .joined()
        let result = try #require(done.comparison)
        #expect(answer == done.answer)
        #expect(result.report == done.answer)
        #expect(result.comparisonId.hasPrefix("cmp_"))
        #expect(result.documentIds == [x200, x300])
        #expect(result.query == "Compare these documents.")
        #expect(result.citations == done.citations)

        // Sources are numbered 1..N and hold a passage of each document
        let sources = events.sources
        #expect(sources.map(\.n) == Array(1...sources.count))
        #expect(Set(sources.compactMap(\.documentId)) == [x200, x300])
        #expect(result.sources == sources)
    }

    @Test func citationSpansCoverTheirMarkers() async throws {
        let events = try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"])
        let done = try #require(events.done)
        let scalars = Array(done.answer.unicodeScalars)
        let sources = events.sources

        // Every citation event follows a token, names its source's id and spans exactly "[n]"
        var markersSeen = 0
        for (index, event) in events.enumerated() {
            guard case .citation(let citation) = event else { continue }
            markersSeen += 1
            #expect(["token", "citation"].contains(events[index - 1].type))
            #expect(sources.first { $0.n == citation.n }?.id == citation.sourceId)
            let text = String(String.UnicodeScalarView(scalars[citation.span.start..<citation.span.end]))
            #expect(text == "[\(citation.n)]")
        }
        // One citation per marker, gathered in done by n with spans in text order
        #expect(markersSeen == done.answer.matches(of: /\[\d+\]/).count)
        #expect(done.citations.map(\.n) == done.citations.map(\.n).sorted())
        #expect(done.citations.reduce(0) { $0 + $1.spans.count } == markersSeen)
        for citation in done.citations {
            #expect(citation.spans.map(\.start) == citation.spans.map(\.start).sorted())
        }
    }

    @Test func reportIsCanonical() async throws {
        let events = try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"])
        let result = try #require(events.done?.comparison)
        func section(_ title: String, _ items: [String]) -> String {
            "## \(title)\n" + (items.isEmpty ? ["None."] : items).map { "- " + $0 }.joined(separator: "\n")
        }
        let expected = [
            section("Similarities", result.similarities),
            section("Differences", result.differences),
            section("Cross-document insights", result.crossDocumentInsights),
        ]
        .joined(separator: "\n\n")
        #expect(result.report == expected)
        #expect(!result.similarities.isEmpty && !result.differences.isEmpty)
        // Every item cites, and every marker resolves
        let numbers = Set(result.sources.map(\.n))
        for item in result.similarities + result.differences + result.crossDocumentInsights {
            let markers = item.matches(of: /\[(\d+)\]/).compactMap { Int($0.output.1) }
            #expect(!markers.isEmpty, "uncited: \(item)")
            #expect(markers.allSatisfy(numbers.contains))
            #expect(!item.contains("\n"))
        }
    }

    @Test func similaritiesCiteEveryDocumentTheyHold() async throws {
        let events = try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"])
        let result = try #require(events.done?.comparison)
        let x200 = try await CompareFixture.id("product-x200-spec.pdf")
        let x300 = try await CompareFixture.id("product-x300-spec.pdf")
        let documentOf = Dictionary(uniqueKeysWithValues: result.sources.map { ($0.n, $0.documentId) })
        for line in result.similarities + result.differences where !line.hasPrefix("Only ") {
            let cited = Set(line.matches(of: /\[(\d+)\]/).compactMap { Int($0.output.1) }.compactMap { documentOf[$0] })
            #expect(cited == [x200, x300], "\(line)")
        }
    }

    @Test func sameInputGivesTheSameComparison() async throws {
        let first = try #require(try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"]).done)
        let second = try #require(try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"]).done)
        #expect(first.answer == second.answer)
        #expect(first.citations == second.citations)
        #expect(first.comparison?.sources == second.comparison?.sources)
    }

    @Test func compareResultEqualsTheStreamedComparison() async throws {
        let store = try await CompareFixture.store.value
        let ids = [
            try await CompareFixture.id("product-x200-spec.pdf"), try await CompareFixture.id("product-x300-spec.pdf"),
        ]
        let streamed = try #require(try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"]).done)
        let result = try await store.knowledgeBase.compareResult(CompareRequest(documentIds: ids), as: .local)
        #expect(result.report == streamed.answer)
        #expect(result.citations == streamed.citations)
        #expect(result.sources == streamed.comparison?.sources)
        #expect(result.comparisonId != streamed.comparison?.comparisonId)
    }

    @Test func threeDocumentsCiteEachDocumentTheyCompare() async throws {
        let events = try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf", "warranty-terms.txt"])
        let result = try #require(events.done?.comparison)
        let warranty = try await CompareFixture.id("warranty-terms.txt")
        // The warranty terms share no spec row, but still have a source, and the sheets' differences remain
        #expect(result.sources.contains { $0.documentId == warranty })
        #expect(result.differences.contains { $0.hasPrefix("Rated payload: 8 kg [") && $0.contains("] vs 14 kg [") })
    }

    @Test func queryMovesMatchingItemsFirst() async throws {
        let events = try await comparison(
            ["product-x200-spec.pdf", "product-x300-spec.pdf"],
            query: "How does the warranty differ?"
        )
        let result = try #require(events.done?.comparison)
        #expect(result.query == "How does the warranty differ?")
        #expect(result.differences.first?.hasPrefix("Warranty: 24 months") == true)
    }

    @Test func theBestMatchIsTheItemTheQuestionIsAbout() async throws {
        let events = try await comparison(
            ["product-x200-spec.pdf", "product-x300-spec.pdf"],
            query: "How does the warranty differ?"
        )
        let result = try #require(events.done?.comparison)
        #expect(result.bestMatch?.hasPrefix("Warranty: 24 months") == true)
        let unfocused = try #require(
            try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"]).done?.comparison
        )
        #expect(unfocused.bestMatch == nil)
    }

    @Test func contactDetailsAreNotComparedAsAttributes() async throws {
        let result = try #require(
            try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"]).done?.comparison
        )
        let lines = result.similarities + result.differences
        #expect(!lines.contains { $0.contains("@") })
        #expect(!lines.contains { $0.contains("help.northwind-robotics.example") })
        // The rest of the ordering block is still compared.
        #expect(result.differences.contains { $0.hasPrefix("Standard lead time:") })
    }

    @Test func contactDetailsAreRecognisedByTheirShape() {
        for contact in [
            "sales@northwind-robotics.example", "help.northwind-robotics.example", "https://example.com/support",
            "www.example.org", "+1 503 555 0100", "(503) 555-0100", "030 1234 5678", "a@b.example, c@d.example",
        ] {
            #expect(ContactDetail.isContact(contact), "\(contact)")
        }
        for value in [
            "ISO 9409-1-50-4-M6", "Node.js", "8 kg", "USD 31,500", "2025-11-03", "1,050 mm", "100 to 240 V AC",
            "Northwind Robotics, Inc., 2200 Foundry Row", "v2.1.3", "",
        ] {
            #expect(!ContactDetail.isContact(value), "\(value)")
        }
    }

    // MARK: - Validation

    @Test func documentCountAndDuplicatesAreValidationErrors() async throws {
        let knowledgeBase = try await CompareFixture.store.value.knowledgeBase
        let x200 = try await CompareFixture.id("product-x200-spec.pdf")
        let x300 = try await CompareFixture.id("product-x300-spec.pdf")

        #expect(
            validationFields { _ = try knowledgeBase.compare(CompareRequest(documentIds: [x200]), as: .local) } == [
                "document_ids"
            ]
        )
        #expect(
            validationFields { _ = try knowledgeBase.compare(CompareRequest(documentIds: []), as: .local) } == [
                "document_ids"
            ]
        )
        let six = [x200, x300, "doc_a", "doc_b", "doc_c", "doc_d"]
        #expect(
            validationFields { _ = try knowledgeBase.compare(CompareRequest(documentIds: six), as: .local) } == [
                "document_ids"
            ]
        )
        #expect(
            validationFields {
                _ = try knowledgeBase.compare(CompareRequest(documentIds: [x200, x300, x200]), as: .local)
            } == ["document_ids[2]"]
        )
        #expect(
            validationFields {
                _ = try knowledgeBase.compare(CompareRequest(documentIds: [x200, x300], query: "  "), as: .local)
            } == ["query"]
        )
        let long = String(repeating: "a", count: 1001)
        #expect(
            validationFields {
                _ = try knowledgeBase.compare(CompareRequest(documentIds: [x200, x300], query: long), as: .local)
            } == ["query"]
        )

        // The error is the contract's 422 with details.fields
        do {
            _ = try knowledgeBase.compare(CompareRequest(documentIds: [x200, x200]), as: .local)
            Issue.record("duplicate ids were accepted")
        } catch let error as EngineError {
            #expect(error.code == .validationError)
            #expect(error.status == 422)
            #expect(error.message == "document_ids[1]: repeats document_ids[0]; ids must be distinct")
            #expect(error.details["fields"] != nil)
        }
    }

    @Test func unknownAndInvisibleDocumentsAreNotFound() async throws {
        let knowledgeBase = try await CompareFixture.store.value.knowledgeBase
        let x200 = try await CompareFixture.id("product-x200-spec.pdf")
        let x300 = try await CompareFixture.id("product-x300-spec.pdf")

        #expect(throws: EngineError.documentNotFound("doc_missing")) {
            try knowledgeBase.compare(CompareRequest(documentIds: [x200, "doc_missing"]), as: .local)
        }
        // Another caller cannot see the local owner's documents
        let stranger = Principal(id: "anon_stranger", role: .anonymous)
        #expect(throws: EngineError.documentNotFound(x200)) {
            try knowledgeBase.compare(CompareRequest(documentIds: [x200, x300]), as: stranger)
        }
        await #expect(throws: EngineError.documentNotFound(x200)) {
            try await knowledgeBase.compareResult(CompareRequest(documentIds: [x200, x300]), as: stranger)
        }
    }

    @Test func failedDocumentIsNotReady() async throws {
        // Given a page whose only text is a script, which leaves nothing to index
        let knowledgeBase = try await CompareFixture.store.value.knowledgeBase
        let x200 = try await CompareFixture.id("product-x200-spec.pdf")
        let page = Data("<html><body><script>var onlyCode = 1;</script></body></html>".utf8)
        let upload = try await knowledgeBase.upload(
            filename: "script-only.html",
            data: page,
            title: nil,
            shared: false,
            as: .local
        )
        let status = try await knowledgeBase.waitUntilProcessed(id: upload.response.documentId, as: .local)
        #expect(status.status == "failed")

        // Then comparing with it is refused before any stream starts
        #expect(throws: EngineError.documentNotReady(upload.response.documentId)) {
            try knowledgeBase.compare(CompareRequest(documentIds: [x200, upload.response.documentId]), as: .local)
        }
    }
}

// MARK: - The comparer on small documents

@Suite struct ComparerUnitTests {
    private func document(_ title: String, _ lines: [String], heading: String? = nil) -> Comparer.Document {
        Comparer.Document(
            title: title,
            passages: [
                Comparer.Passage(text: lines.joined(separator: "\n"), heading: heading, headingPath: heading ?? "")
            ]
        )
    }

    private func render(
        _ report: ComparisonReport
    ) -> (similarities: [String], differences: [String], insights: [String]) {
        var numbers: [ComparisonReport.Reference: Int] = [:]
        for (index, reference) in report.references.enumerated() { numbers[reference] = index + 1 }
        let rendered = report.rendered(numbers: numbers)
        return (rendered.similarities, rendered.differences, rendered.insights)
    }

    @Test func formattingAndTheDocumentsOwnNamesDoNotMakeADifference() {
        let a = document(
            "AX-100 Falcon Datasheet",
            ["Reach: 1,050 mm", "Package: AX-100 arm and controller", "Weight: 38.0 kg"]
        )
        let b = document(
            "BX-200 Heron Datasheet",
            ["reach:  1050 MM", "Package: BX-200 arm and controller", "Weight: 38 kg"]
        )
        let report = render(Comparer().compare([a, b]))
        #expect(report.differences.isEmpty)
        #expect(
            report.similarities == [
                "Reach: 1,050 mm [1][2].", "Package: AX-100/BX-200 arm and controller [1][2].",
                "Weight: 38.0 kg [1][2].",
            ]
        )
        #expect(report.insights.isEmpty)
    }

    @Test func qualifiedNamesAlignWithPlainOnes() {
        let a = document("AX-100 Datasheet", ["Reach (base to flange): 900 mm"])
        let b = document("BX-200 Datasheet", ["Reach: 1,100 mm"])
        let report = render(Comparer().compare([a, b]))
        #expect(report.differences == ["Reach: 900 mm (base to flange) [1] vs 1,100 mm [2]."])
        #expect(
            report.insights == ["Reach: BX-200 is 200 mm higher than AX-100 (1,100 mm [2] vs 900 mm [1]; ratio 1.22)."]
        )
    }

    @Test func equalValuesAcrossThreeDocumentsShareTheirCitations() {
        let a = document("AX-100 Datasheet", ["Payload: 8 kg", "Colour: grey"])
        let b = document("BX-200 Datasheet", ["Payload: 14 kg", "Colour: grey"])
        let c = document("CX-300 Datasheet", ["Payload: 8 kg", "Colour: grey"])
        let report = render(Comparer().compare([a, b, c]))
        #expect(report.similarities == ["Colour: grey [1][2][3]."])
        #expect(report.differences == ["Payload: 8 kg [1][3] vs 14 kg [2]."])
        #expect(
            report.insights == [
                "Payload: highest in BX-200 (14 kg [2]), lowest in AX-100 (8 kg [1]), a spread of 6 kg."
            ]
        )
    }

    @Test func sharedSentencesOfAValueAreASimilarity() {
        let a = document("AX-100 Datasheet", ["Warranty: 24 months from delivery. Extensions are sold separately."])
        let b = document("BX-200 Datasheet", ["Warranty: 36 months from delivery. Extensions are sold separately."])
        let report = render(Comparer().compare([a, b]))
        #expect(report.similarities == ["Warranty: Extensions are sold separately [1][2]."])
        #expect(report.differences == ["Warranty: 24 months from delivery [1] vs 36 months from delivery [2]."])
    }

    @Test func nearEqualSentencesQuoteTheirDifferingWords() {
        let a = document(
            "AX-100 Datasheet",
            ["The AX-100 provides 10 configurable safety functions: speed limit and force limit."],
            heading: "Safety"
        )
        let b = document(
            "BX-200 Datasheet",
            ["The BX-200 provides 17 configurable safety functions: speed limit and force limit."],
            heading: "Safety"
        )
        let report = render(Comparer().compare([a, b]))
        #expect(
            report.differences == [
                "Safety: The AX-100 provides 10 configurable safety functions… [1] vs "
                    + "The BX-200 provides 17 configurable safety functions… [2]."
            ]
        )
        // Little else matched, so the shared heading is said too.
        #expect(report.similarities == ["Both have the sections Safety [1][2]."])
    }

    @Test func rewordedSentencesClaimNothing() {
        let a = document("Alpha Guide", ["Both are in the Downloads section of the portal.", "Book trips early."])
        let b = document(
            "Beta Guide",
            ["Both are available from the Downloads section of the portal.", "Reserve trips early."]
        )
        let report = render(Comparer().compare([a, b]))
        #expect(report.differences.isEmpty)
        #expect(report.similarities == ["Both are in the Downloads section of the portal [1][2]."])
    }

    @Test func tableRowsAlignByTheirKeyCell() {
        let a = document(
            "AX-100 Datasheet",
            [
                "Parameter: Payload; Value: 8 kg", "Parameter: Colour; Value: grey",
                "Part: JM-1; Use: joints 1 to 3", "Part: JM-2; Use: joints 4 to 6",
            ]
        )
        let b = document(
            "BX-200 Datasheet",
            [
                "Parameter: Payload; Value: 14 kg", "Parameter: Colour; Value: grey",
                "Part: JM-1; Use: joints 4 to 6", "Part: JM-3; Use: joints 1 to 3",
            ]
        )
        let report = render(Comparer().compare([a, b]))
        #expect(report.similarities == ["Colour: grey [1][2]."])
        #expect(
            report.differences == [
                "Payload: 8 kg [1] vs 14 kg [2].", "Part JM-1 — Use: joints 1 to 3 [1] vs joints 4 to 6 [2].",
            ]
        )
    }

    @Test func negationIsADifference() {
        let a = document("AX-100 Datasheet", ["UL listing: not available for this model"])
        let b = document("BX-200 Datasheet", ["UL listing: available for this model"])
        let report = render(Comparer().compare([a, b]))
        #expect(report.differences == ["UL listing: not available for this model [1] vs available for this model [2]."])
    }

    @Test func bracketsAndBackticksCannotForgeMarkers() {
        let a = document("AX-100 Datasheet", ["Note: see `manual` [3]"], heading: "Notes [7]")
        let b = document("BX-200 Datasheet", ["Note: see `guide` [4]"], heading: "Notes [7]")
        let report = render(Comparer().compare([a, b]))
        #expect(report.differences == ["Note: see 'manual' (3) [1] vs see 'guide' (4) [2]."])
        #expect(report.similarities == ["Both have the sections Notes (7) [1][2]."])
    }

    @Test func comparingIsDeterministic() {
        let a = document("AX-100 Datasheet", ["Payload: 8 kg", "Reach: 900 mm", "Colour: grey", "It is quiet."])
        let b = document("BX-200 Datasheet", ["Payload: 14 kg", "Reach: 900 mm", "Colour: blue", "It is quiet."])
        let first = Comparer().compare([a, b], query: "payload")
        for _ in 0..<5 { #expect(Comparer().compare([a, b], query: "payload") == first) }
        #expect(render(first).differences.first == "Payload: 8 kg [1] vs 14 kg [2].")
    }
}

/// `/compare`'s direct answer: the item a question asks about, not the one that shares a word every item shares.
extension ComparerTests {
    static func bestMatch(_ question: String) async throws -> String? {
        let events = try await comparison(["product-x200-spec.pdf", "product-x300-spec.pdf"], query: question)
        return events.done?.comparison?.bestMatch
    }

    @Test func aWordOfMostPassagesDoesNotChooseTheDirectAnswer() async throws {
        // "arm" is in most passages of both robot-arm sheets: it names what they are about, not the arm's weight.
        let carries = try await Self.bestMatch("Which arm carries more?")
        #expect(carries?.hasPrefix("Arm weight") != true, "\(carries ?? "none")")
    }

    @Test func anAttributeTheQuestionNamesStillLeads() async throws {
        let weight = try #require(try await Self.bestMatch("Which arm has the lower weight?"))
        #expect(weight.hasPrefix("Arm weight"), "\(weight)")
        let payload = try #require(try await Self.bestMatch("Which arm has the higher payload?"))
        #expect(payload.hasPrefix("Rated payload"), "\(payload)")
    }
}
