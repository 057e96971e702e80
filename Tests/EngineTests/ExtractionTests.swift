import ChatAPI
import Engine
import Foundation
import Testing

// MARK: - Corpus access

/// The Northwind corpus: `CHATSHELL_CORPUS` when set, else `samples/northwind` of this checkout.
private enum NorthwindCorpus {
    static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["CHATSHELL_CORPUS"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("samples/northwind", isDirectory: true)
    }()

    static let documents = [
        "customer-case-study.html", "employee-handbook.md", "faq.md", "glossary.txt", "meeting-minutes-2026-03.txt",
        "onboarding-guide.docx", "product-x200-spec.pdf", "product-x300-spec.pdf", "release-notes-2026.txt",
        "security-policy.html", "site-survey-notes.txt", "standort-leipzig-de.md", "support-sla.docx",
        "travel-policy.pdf", "warranty-terms.txt",
    ]

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relativePath))
    }

    /// Validates and extracts a file as the upload pipeline does.
    static func extract(_ relativePath: String) throws -> ExtractedDocument {
        let filename = (relativePath as NSString).lastPathComponent
        let bytes = try data(relativePath)
        let type = try UploadValidator.validate(filename: filename, data: bytes)
        return try Extractors.extractor(for: type).extract(bytes, filename: filename)
    }

    static func document(_ name: String) throws -> ExtractedDocument {
        try extract("docs/" + name)
    }
}

/// The corpus matching rule (README): NFC, lower case, whitespace runs collapsed.
private func matchable(_ text: String) -> String {
    text.precomposedStringWithCanonicalMapping.lowercased()
        .split(whereSeparator: \.isWhitespace)
        .joined(separator: " ")
}

private extension ExtractedDocument {
    var fullText: String { blocks.map(\.text).joined(separator: "\n") }

    func contains(_ phrase: String) -> Bool {
        matchable(fullText).contains(matchable(phrase))
    }

    func rows() -> [String] {
        blocks.filter { $0.kind == .tableRow }.map(\.text)
    }
}

// MARK: - Upload validation

@Suite struct UploadValidatorTests {
    /// The list clients filter folders with (`Capabilities.Upload`) is exactly what the engine reads.
    @Test func theAdvertisedExtensionsAreTheEnginesDocumentTypes() {
        for ending in Capabilities.Upload.supportedExtensions {
            #expect(DocumentType(filename: "report" + ending.uppercased()) != nil, "\(ending)")
        }
        for unsupported in ["report.xyz", "report.doc", "report.rtf", "report"] {
            #expect(DocumentType(filename: unsupported) == nil)
            #expect(!Capabilities.Upload.accepts(unsupported))
        }
    }

    static let badFixtures: [(path: String, expected: EngineError)] = [
        ("bad/binary-garbage.txt", .invalidFile(filename: "binary-garbage.txt", reason: .notText)),
        ("bad/truncated.pdf", .invalidFile(filename: "truncated.pdf", reason: .truncatedPDF)),
        ("bad/not-a-zip.docx", .invalidFile(filename: "not-a-zip.docx", reason: .notDOCX)),
        ("bad/zero-bytes.pdf", .emptyFile(filename: "zero-bytes.pdf")),
        ("bad/empty.txt", .emptyFile(filename: "empty.txt")),
        ("bad/report.xyz", .unsupportedFileType(filename: "report.xyz")),
    ]

    @Test(arguments: badFixtures)
    func badFixtureIsRefusedWithItsReason(fixture: (path: String, expected: EngineError)) throws {
        let bytes = try NorthwindCorpus.data(fixture.path)
        let filename = (fixture.path as NSString).lastPathComponent
        #expect(throws: fixture.expected) {
            try UploadValidator.validate(filename: filename, data: bytes)
        }
    }

    @Test func refusalsCarryMessagesPeopleCanActOn() throws {
        let cases: [(String, String)] = [
            (
                "bad/binary-garbage.txt",
                "Cannot read 'binary-garbage.txt': not a text file (binary content). Upload the original document instead."
            ),
            (
                "bad/truncated.pdf",
                "Cannot read 'truncated.pdf': the PDF is damaged or cut short. Download or export it again."
            ),
            (
                "bad/not-a-zip.docx",
                "Cannot read 'not-a-zip.docx': not a Word document (no ZIP container). "
                    + "Save it again as .docx or upload it as .txt."
            ),
            (
                "bad/zero-bytes.pdf",
                "Cannot read 'zero-bytes.pdf': the file is empty. Check that it was saved completely."
            ),
            (
                "bad/report.xyz",
                "Cannot read 'report.xyz': '.xyz' files are not supported. Upload .txt, .md, .html, .pdf or .docx."
            ),
        ]
        for (path, message) in cases {
            let bytes = try NorthwindCorpus.data(path)
            do {
                _ = try UploadValidator.validate(filename: (path as NSString).lastPathComponent, data: bytes)
                Issue.record("\(path) was accepted")
            } catch {
                #expect(error.message == message)
            }
        }
    }

    @Test(arguments: NorthwindCorpus.documents)
    func corpusDocumentPassesWithTheTypeOfItsExtension(name: String) throws {
        let type = try UploadValidator.validate(filename: name, data: NorthwindCorpus.data("docs/" + name))
        #expect(type == DocumentType(filename: name))
    }

    @Test func unicodePathFixtureIsAcceptedAsText() throws {
        let path = "bad/unicode path/Überblick – café notes ✓.txt"
        let type = try UploadValidator.validate(
            filename: "Überblick – café notes ✓.txt",
            data: NorthwindCorpus.data(path)
        )
        #expect(type == .txt)
    }

    @Test func extensionDecidesInAnyCase() throws {
        #expect(try UploadValidator.validate(filename: "NOTES.TXT", data: Data("hello".utf8)) == .txt)
        #expect(try UploadValidator.validate(filename: "readme.Markdown", data: Data("# Hi".utf8)) == .md)
        #expect(throws: EngineError.unsupportedFileType(filename: "notes")) {
            try UploadValidator.validate(filename: "notes", data: Data("hello".utf8))
        }
    }

    @Test func whitespaceOnlyTextIsEmpty() {
        #expect(throws: EngineError.emptyFile(filename: "blank.md")) {
            try UploadValidator.validate(filename: "blank.md", data: Data(" \n\t\r\n \u{00A0}".utf8))
        }
    }

    @Test func unsupportedTypeIsReportedBeforeEmptiness() {
        #expect(throws: EngineError.unsupportedFileType(filename: "empty.exe")) {
            try UploadValidator.validate(filename: "empty.exe", data: Data())
        }
    }

    @Test func nulByteMeansNotText() {
        #expect(throws: EngineError.invalidFile(filename: "a.html", reason: .notText)) {
            try UploadValidator.validate(filename: "a.html", data: Data([0x3C, 0x70, 0x3E, 0x00, 0x41]))
        }
    }

    @Test func invalidUTF8WithControlBytesIsNotTextButPlainWindows1252Is() throws {
        // 0xE9 alone is invalid UTF-8; with an ESC byte it is binary, without one it is Windows-1252.
        #expect(throws: EngineError.invalidFile(filename: "a.txt", reason: .notText)) {
            try UploadValidator.validate(filename: "a.txt", data: Data([0x63, 0x61, 0x66, 0xE9, 0x1B]))
        }
        let latin = Data([0x63, 0x61, 0x66, 0xE9, 0x0C, 0x0D, 0x0A, 0x09, 0x78])
        #expect(try UploadValidator.validate(filename: "a.txt", data: latin) == .txt)
    }

    @Test func pdfWithoutHeaderIsNotPDF() {
        #expect(throws: EngineError.invalidFile(filename: "x.pdf", reason: .notPDF)) {
            try UploadValidator.validate(filename: "x.pdf", data: Data("just text %%EOF".utf8))
        }
    }

    @Test func pdfWithoutEndMarkerIsTruncated() throws {
        let full = try NorthwindCorpus.data("docs/travel-policy.pdf")
        let cut = full.prefix(full.count - 40)
        #expect(throws: EngineError.invalidFile(filename: "travel.pdf", reason: .truncatedPDF)) {
            try UploadValidator.validate(filename: "travel.pdf", data: Data(cut))
        }
    }

    @Test func pdfWithMarkersButNoReadableBodyIsTruncated() {
        let fake = Data("%PDF-1.4\n1 0 obj garbage endobj\n%%EOF\n".utf8)
        #expect(throws: EngineError.invalidFile(filename: "fake.pdf", reason: .truncatedPDF)) {
            try UploadValidator.validate(filename: "fake.pdf", data: fake)
        }
    }

    @Test func zipWithoutWordDocumentIsNotDOCX() throws {
        // A valid ZIP holding only hello.txt.
        let zip = try #require(
            Data(
                base64Encoded:
                    "UEsDBBQAAAAAANJlel2sKpPYAgAAAAIAAAAJAAAAaGVsbG8udHh0aGlQSwECFAMUAAAAAADSZXpdrCqT2AIAAAACAAAACQAAAA"
                    + "AAAAAAAAAAgAEAAAAAaGVsbG8udHh0UEsFBgAAAAABAAEANwAAACkAAAAAAA=="
            )
        )
        #expect(throws: EngineError.invalidFile(filename: "hello.docx", reason: .notDOCX)) {
            try UploadValidator.validate(filename: "hello.docx", data: zip)
        }
    }

    @Test func sizeOverTheLimitIsTooLarge() throws {
        let limit = UploadValidator.defaultMaxBytes
        try UploadValidator.checkSize(filename: "big.txt", size: limit, max: limit)
        do {
            try UploadValidator.checkSize(filename: "big.txt", size: 31_457_280 * 2, max: limit)
            Issue.record("60 MiB passed a 50 MiB limit")
        } catch {
            #expect(error == .fileTooLarge(filename: "big.txt", size: 62_914_560, max: 52_428_800))
            #expect(
                error.message
                    == "Cannot upload 'big.txt': 60 MiB is over the 50 MiB limit. Split the document into smaller files."
            )
        }
    }
}

// MARK: - Corpus extraction

@Suite struct CorpusExtractionTests {
    @Test(arguments: NorthwindCorpus.documents)
    func everyDocumentGivesTextBlocksAndATitle(name: String) throws {
        let document = try NorthwindCorpus.document(name)
        #expect(document.blocks.count >= 5)
        #expect(
            document.blocks.allSatisfy { !$0.text.isEmpty && $0.text == $0.text.trimmingCharacters(in: .whitespaces) }
        )
        #expect(document.blocks.allSatisfy { !$0.text.contains("\r") })
        #expect(document.title?.isEmpty == false)
        if name.hasSuffix(".pdf") {
            #expect(document.blocks.allSatisfy { $0.page != nil })
        } else {
            #expect(document.pageCount == nil)
            #expect(document.blocks.allSatisfy { $0.page == nil })
        }
    }

    static let keyFacts: [(document: String, phrase: String)] = [
        ("employee-handbook.md", "25 days"),
        ("employee-handbook.md", "$0.67 per mile"),
        ("security-policy.html", "14 characters"),
        ("product-x200-spec.pdf", "payload of 8 kg"),
        ("product-x200-spec.pdf", "24.5 kg"),
        ("product-x200-spec.pdf", "UL 1740 listing: not available"),
        ("product-x300-spec.pdf", "1,300 mm"),
        ("product-x300-spec.pdf", "TP-10, 10.1-inch touchscreen"),
        ("onboarding-guide.docx", "Room A-114"),
        ("release-notes-2026.txt", "Force-guided teaching for NR-X300"),
        ("faq.md", "$1,450"),
        ("faq.md", "at least 2 years old"),
        ("travel-policy.pdf", "$320"),
        ("glossary.txt", "Performance Level d as defined in ISO 13849-1"),
        ("customer-case-study.html", "38%"),
        ("warranty-terms.txt", "12 months"),
        ("standort-leipzig-de.md", "14 Prüfstände"),
        ("site-survey-notes.txt", "750 kg per square metre"),
        ("support-sla.docx", "USD 7,800"),
        ("support-sla.docx", "06:00 to 22:00"),
        ("meeting-minutes-2026-03.txt", "2026-04-30"),
    ]

    @Test(arguments: keyFacts)
    func keyFactIsInTheExtractedText(fact: (document: String, phrase: String)) throws {
        let document = try NorthwindCorpus.document(fact.document)
        #expect(document.contains(fact.phrase), "\(fact.phrase) missing from \(fact.document)")
    }

    static let titles: [(document: String, title: String)] = [
        ("employee-handbook.md", "Northwind Robotics Employee Handbook"),
        ("security-policy.html", "Information Security Policy (SEC-POL-007)"),
        ("customer-case-study.html", "Case study: Halvorsen Dairy Cooperative"),
        ("product-x200-spec.pdf", "NR-X200 Kestrel Product Specification"),
        ("onboarding-guide.docx", "New Hire Onboarding Guide (Port Ellery)"),
        ("support-sla.docx", "Customer Support Service Level Agreement"),
        ("release-notes-2026.txt", "NORTHWIND STUDIO - RELEASE NOTES 2026"),
        ("standort-leipzig-de.md", "Standort Leipzig – Informationen für Mitarbeitende und Besucher"),
    ]

    @Test(arguments: titles)
    func documentTitleIsFound(expected: (document: String, title: String)) throws {
        #expect(try NorthwindCorpus.document(expected.document).title == expected.title)
    }

    @Test func specSheetDropsRunningHeaderAndFooterAndKeepsPages() throws {
        // Given a 4-page PDF whose every page starts and ends with the same lines
        let document = try NorthwindCorpus.document("product-x200-spec.pdf")

        // Then the text is there, page by page, without the repeated lines
        #expect(document.pageCount == 4)
        #expect(Set(document.blocks.compactMap(\.page)) == [1, 2, 3, 4])
        #expect(document.contains("24.5 kg") && document.contains("8 kg"))
        #expect(!document.contains("PS-X200 Rev D |") && !document.contains("| PS-X200 Rev D"))
        #expect(!document.contains("Specifications are subject to change without notice"))
        #expect(!document.blocks.contains { $0.text.hasPrefix("Page ") })
        #expect(document.blocks.first { $0.text == "2. Technical specifications" }?.page == 2)
    }

    @Test func specSheetTableLinesBecomeLabelledRows() throws {
        let document = try NorthwindCorpus.document("product-x200-spec.pdf")
        let rows = document.blocks.filter { $0.kind == .tableRow }
        #expect(rows.contains(TextBlock(kind: .tableRow, text: "Arm weight: 24.5 kg", page: 1)))
        #expect(rows.contains(TextBlock(kind: .tableRow, text: "Rated payload: 8 kg", page: 2)))
        #expect(
            rows.contains(
                TextBlock(
                    kind: .tableRow,
                    text: "Part code: JM-140; Description: Joint module, 140 Nm, for joints J4 to J6",
                    page: 4
                )
            )
        )
        #expect(document.blocks.contains(TextBlock(kind: .heading(level: 2), text: "1. Overview", page: 1)))
        #expect(
            document.blocks.contains(
                TextBlock(kind: .listItem, text: "EN ISO 13849-1: PL d, Category 3", page: 3)
            )
        )
    }

    @Test func specSheetParagraphsJoinWrappedLines() throws {
        let document = try NorthwindCorpus.document("product-x300-spec.pdf")
        let overview = try #require(document.blocks.first { $0.text.hasPrefix("The NR-X300 Osprey is a 6-axis") })
        #expect(overview.kind == .paragraph)
        #expect(overview.text.hasSuffix("returns to a taught position with a repeatability of ±0.05 mm."))
    }

    @Test func travelPolicyTableKeepsWrappedColumnWithItsRow() throws {
        let document = try NorthwindCorpus.document("travel-policy.pdf")
        #expect(document.pageCount == 2)
        #expect(
            document.rows().contains(
                "City category: High-cost cities; Nightly cap: $320; "
                    + "Cities: New York, San Francisco, Boston, Seattle, London, Paris, Zurich, Munich"
            )
        )
        #expect(!document.contains("Internal. Page"))
    }

    @Test func securityPolicyLeavesOutScriptsStylesAndPageChrome() throws {
        let document = try NorthwindCorpus.document("security-policy.html")
        #expect(document.contains("Passwords must be at least 14 characters long."))
        #expect(!document.contains("8 characters"))
        #expect(!document.contains("LEGACY_PASSWORD_RULES"))
        #expect(!document.contains("Related pages"))
        #expect(!document.contains("uses cookies"))
        #expect(!document.contains("Search the intranet"))
        #expect(!document.contains("Last reviewed 15 January 2026"))
        #expect(
            document.rows().first
                == "Class: Public; Examples: Published product specification sheets, press releases, the public website, "
                + "published case studies; Handling rules: May be shared with anyone. Only Marketing and Product "
                + "Management may publish new Public material."
        )
        #expect(document.blocks.contains(TextBlock(kind: .heading(level: 3), text: "Severity levels")))
    }

    @Test func caseStudyLeavesOutDecoyFiguresAndJSONLD() throws {
        let document = try NorthwindCorpus.document("customer-case-study.html")
        #expect(!document.contains("+25%"))
        #expect(!document.contains("Brightwater"))
        #expect(!document.contains("schema.org"))
        #expect(!document.contains("Save 20%"))
        #expect(document.contains("Grace Whitfield, Plant Manager"))
        #expect(
            document.blocks.contains(
                TextBlock(
                    kind: .listItem,
                    text: "38% higher palletizing throughput (from 21 to 29 pallets per hour across the plant)"
                )
            )
        )
    }

    @Test func onboardingGuideKeepsHeadingsListsAndLabelledTableRows() throws {
        let document = try NorthwindCorpus.document("onboarding-guide.docx")
        #expect(document.contains("Room A-114"))
        #expect(
            document.blocks.first
                == TextBlock(kind: .heading(level: 1), text: "Welcome to Northwind Robotics: New Hire Onboarding Guide")
        )
        #expect(document.blocks.contains(TextBlock(kind: .heading(level: 2), text: "Food and parking")))
        #expect(
            document.blocks.contains(
                TextBlock(kind: .listItem, text: "Set up your Ledgerly account for expense claims.")
            )
        )
        #expect(
            document.rows().first
                == "When: Day 1; What: Badge, laptop pickup in Room A-114, welcome session and team lunch; "
                + "Who: Onboarding buddy, Harbor IT"
        )
        #expect(
            document.rows().contains(
                "Topic: Laptop, accounts, software; Contact: Harbor IT desk, Room A-114, extension 2300"
            )
        )
    }

    @Test func supportSLATablesKeepDocumentOrder() throws {
        let document = try NorthwindCorpus.document("support-sla.docx")
        let texts = document.blocks.map(\.text)
        let heading = try #require(texts.firstIndex(of: "2. Support plans"))
        #expect(texts[heading + 1].hasPrefix("Plan: Standard; Price: Included during the warranty period"))
        #expect(
            document.rows().contains(
                "Severity: Severity 1; Standard: Next business day; Priority: 4 business hours; Critical: 1 hour, 24/7"
            )
        )
    }

    @Test func siteSurveyKeepsTheLongLineWithFactsInItsMiddleAndEnd() throws {
        let document = try NorthwindCorpus.document("site-survey-notes.txt")
        let notes = try #require(document.blocks.first { $0.text.contains("Notes: arrived 08:40") })
        #expect(notes.kind == .paragraph)
        #expect(notes.text.count > 2_000)
        #expect(notes.text.contains("the quality lead, Dr. Imani Fletcher, needs a validation protocol"))
        #expect(notes.text.contains("preferred go-live date is 2026-04-27"))
        #expect(notes.text.hasSuffix("no other blockers found ✅"))
        #expect(document.rows().contains("Item: Floor load rating; Value: 750 kg per square metre; OK?: ✅"))
        #expect(document.rows().contains("Survey date: 2026-02-19"))
        #expect(document.blocks.first == TextBlock(kind: .heading(level: 1), text: "SITE SURVEY NOTES 🤖 SS-2026-0117"))
    }

    @Test func meetingMinutesActionTableJoinsWrappedCells() throws {
        let document = try NorthwindCorpus.document("meeting-minutes-2026-03.txt")
        #expect(
            document.rows().contains(
                "ID: AI-14; Owner: Deepa Raman; Action: Publish the revised Support SLA (version 2.0, adds service "
                    + "credits); Due: 2026-04-30"
            )
        )
        #expect(
            document.blocks.contains(TextBlock(kind: .heading(level: 2), text: "1. NR-X300 ORDER BACKLOG AND PRICING"))
        )
        #expect(document.blocks.contains(TextBlock(kind: .listItem, text: "Leipzig service capacity")))
    }

    @Test func warrantyTermsFixedWidthTableUsesItsHeaderRow() throws {
        let document = try NorthwindCorpus.document("warranty-terms.txt")
        #expect(
            document.rows()
                == [
                    "Product: NR-X200 arm and NC-20 controller; Warranty period: 24 months",
                    "Product: NR-X300 arm and NC-30 controller; Warranty period: 36 months",
                    "Product: TP-10 teach pendant; Warranty period: 24 months",
                    "Product: Grippers, tool changers and other accessories; Warranty period: 12 months",
                    "Product: Consumables (suction cups, gripper fingers, cable protectors, fuses); "
                        + "Warranty period: not covered",
                ]
        )
    }

    @Test func releaseNotesUnderlinedLinesAreHeadings() throws {
        let document = try NorthwindCorpus.document("release-notes-2026.txt")
        #expect(
            document.blocks.first == TextBlock(kind: .heading(level: 1), text: "NORTHWIND STUDIO - RELEASE NOTES 2026")
        )
        #expect(
            document.blocks.contains(TextBlock(kind: .heading(level: 2), text: "Studio 5.2.0 - released 2026-03-17"))
        )
        #expect(
            document.blocks.contains(
                TextBlock(
                    kind: .listItem,
                    text:
                        "NWS-4655 Fleet dashboard may show gaps in temperature trends after a controller clock change. "
                        + "Workaround: reload the dashboard."
                )
            )
        )
    }

    @Test func handbookMarkdownTablesAndMarkupAreReadable() throws {
        let document = try NorthwindCorpus.document("employee-handbook.md")
        #expect(document.contains("25 days"))
        #expect(!document.fullText.contains("**") && !document.fullText.contains("|---"))
        #expect(
            document.rows().contains(
                "Amount of a single claim: Above $500 and up to $2,500; Approval required: Your manager"
            )
        )
        #expect(document.blocks.contains(TextBlock(kind: .heading(level: 3), text: "4.1 Annual leave")))
    }

    @Test func faqEmphasisIsRemoved() throws {
        let document = try NorthwindCorpus.document("faq.md")
        #expect(document.contains("Choose the NR-X200 Kestrel for light, precise work"))
        #expect(document.blocks[1].text.hasPrefix("Last updated: February 2026."))
    }

    @Test func unicodePathFixtureDecodesAsNFCText() throws {
        let document = try NorthwindCorpus.extract("bad/unicode path/Überblick – café notes ✓.txt")
        #expect(document.title == "Café notes (Überblick)")
        #expect(document.contains("naïve façade, Grüße, smörgåsbord"))
        #expect(document.fullText == document.fullText.precomposedStringWithCanonicalMapping)
        #expect(document.blocks.filter { $0.kind == .listItem }.count == 2)
    }

    @Test func pdfExtractionIsSafeFromManyThreadsAtOnce() async throws {
        let bytes = try NorthwindCorpus.data("docs/product-x300-spec.pdf")
        let expected = try PDFExtractor().extract(bytes, filename: "x300.pdf")
        let results = try await withThrowingTaskGroup(of: ExtractedDocument.self) { group in
            for _ in 0..<6 {
                group.addTask { try PDFExtractor().extract(bytes, filename: "x300.pdf") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 6)
        #expect(results.allSatisfy { $0 == expected })
    }
}
