import Testing

@testable import Engine

@Suite struct QueryAnalyzerTests {
    @Test func userTextNeverBecomesFTSSyntax() {
        let terms = QueryAnalyzer.terms("What about \"NEAR\" OR payload* AND (x)?")
        let expression = QueryAnalyzer.ftsExpression(terms) ?? ""
        #expect(expression.contains("\"near\""))
        #expect(!expression.contains("(x"))
        #expect(expression.split(separator: " ").allSatisfy { $0 == "OR" || $0.hasPrefix("\"") })
    }

    @Test func identifiersStayWholeAndAreMarked() {
        let terms = QueryAnalyzer.terms("What floor load was measured during site survey SS-2026-0117?")
        let identifier = terms.first { $0.text == "ss-2026-0117" }
        #expect(identifier?.isIdentifier == true)
        #expect(QueryAnalyzer.ftsTerm("ss-2026-0117") == "\"ss-2026-0117\"")
    }

    @Test func namesWrittenLikeCodeAreIdentifiers() {
        let terms = QueryAnalyzer.terms(
            "Does tar -x or --jobs change worker_threads, os.path.join or .schema, e.g. here?"
        )
        let identifiers = terms.filter(\.isIdentifier).map(\.text)
        #expect(identifiers == ["-x", "--jobs", "worker_threads", "os.path.join", ".schema"])
        #expect(!terms.contains { $0.text == "e.g" && $0.isIdentifier })
        // Inside a call's arguments an underscore name still matches whole, and the plain words match too.
        let matcher = TermMatcher("Use sqlite3_limit(db,SQLITE_LIMIT_WORKER_THREADS,n) or run it with --jobs 4.")
        let named = QueryAnalyzer.terms("sqlite_limit_worker_threads --jobs worker")
        #expect(named.allSatisfy(matcher.contains))
        #expect(!matcher.contains(QueryAnalyzer.terms("max_worker_threads")[0]))
    }

    @Test func stopwordsAreDropped() {
        #expect(QueryAnalyzer.terms("What is the reach of the arm?").map(\.text) == ["reach", "arm"])
        #expect(QueryAnalyzer.terms("Wie viele Prüfstände gibt es?").map(\.text) == ["prüfstände"])
    }

    @Test func germanSpellingsAreSearchedBothWays() {
        #expect(QueryAnalyzer.variants(of: "weiß") == ["weiss"])
        #expect(QueryAnalyzer.variants(of: "juergen").contains("jürgen"))
    }
}

@Suite struct ChunkerTests {
    @Test func chunksNeverCrossAHeadingAndKeepItsPath() {
        let blocks = [
            TextBlock(kind: .heading(level: 1), text: "Guide"),
            TextBlock(kind: .heading(level: 2), text: "Leave"),
            TextBlock(kind: .paragraph, text: "You get 25 days."),
            TextBlock(kind: .heading(level: 2), text: "Travel"),
            TextBlock(kind: .paragraph, text: "Book early."),
        ]
        let chunks = Chunker().chunks(of: blocks)
        #expect(chunks.count == 2)
        #expect(chunks[0].headingPath == ["Guide", "Leave"])
        #expect(chunks[0].text == "Leave\nYou get 25 days.")
        #expect(chunks[1].headingPath == ["Guide", "Travel"])
    }

    @Test func longSectionsSplitNearTheTargetWithOverlap() {
        let sentence = "This sentence is about forty-five characters. "
        let text = String(repeating: sentence, count: 60)
        let chunks = Chunker().chunks(of: [TextBlock(kind: .paragraph, text: text)])
        #expect(chunks.count > 2)
        #expect(chunks.allSatisfy { $0.text.count <= 1200 })
        for pair in zip(chunks, chunks.dropFirst()) {
            #expect(pair.1.charStart < pair.0.charEnd, "consecutive chunks overlap")
        }
    }

    @Test func offsetsPointIntoTheExtractedText() {
        let blocks = [
            TextBlock(kind: .heading(level: 1), text: "Größe"),
            TextBlock(kind: .paragraph, text: "Der Arm wiegt 24,5 kg. Er ist leicht."),
        ]
        let text = Array(Chunker.extractedText(of: blocks).unicodeScalars)
        for chunk in Chunker().chunks(of: blocks) {
            let slice = String(String.UnicodeScalarView(text[chunk.charStart..<chunk.charEnd]))
            #expect(chunk.text.hasSuffix(String(slice.suffix(10))))
        }
    }

    @Test func tableRowsStayWhole() {
        let row = "Plan: Critical; Price: USD 7,800 per robot per year; Coverage hours: 24/7"
        let blocks =
            [TextBlock(kind: .heading(level: 1), text: "Plans")]
            + Array(repeating: TextBlock(kind: .tableRow, text: row), count: 30)
        for chunk in Chunker().chunks(of: blocks) {
            for line in chunk.text.split(separator: "\n") where line != "Plans" {
                #expect(String(line) == row)
            }
        }
    }
}

/// Snowball stemming in the text's language instead of a word list.
@Suite struct StemmingTests {
    @Test func inflectedFormsMatchByTheirStemInTheTextsLanguage() throws {
        let english = TermMatcher("The default limits are set when the library is compiled.")
        #expect(english.contains(try #require(QueryAnalyzer.terms("limit").first)))
        #expect(english.contains(try #require(QueryAnalyzer.terms("compiling").first)))
        let german = TermMatcher("Der Empfang des Gebäudes ist montags bis freitags besetzt.")
        #expect(german.contains(try #require(QueryAnalyzer.terms("Gebäude").first)))
        #expect(german.contains(try #require(QueryAnalyzer.terms("Empfangs").first)))
        #expect(!german.containsNatively(try #require(QueryAnalyzer.terms("reception").first)))
    }

    @Test func germanStemsAreSearchedAsPrefixes() throws {
        let term = try #require(QueryAnalyzer.terms("Empfangs").first)
        #expect(term.searchStems == ["empfang"])
        #expect(QueryAnalyzer.ftsExpression([term])?.contains("\"empfang\"*") == true)
        #expect(QueryAnalyzer.terms("NR-X200").first?.searchStems == [])
    }

    @Test func theLanguageGuessReadsFunctionWords() {
        #expect(
            Stemmer.language(of: QueryAnalyzer.tokens("Die Kantine ist nicht mit dem Empfang verbunden")) == .german
        )
        #expect(Stemmer.language(of: QueryAnalyzer.tokens("The cache is not shared with the reader")) == .english)
        #expect(Stemmer.german.stem("empfangs") == "empfang")
        #expect(Stemmer.english.stem("limits") == "limit")
    }
}

/// The glossary's translations: a separate, lower-weighted part of a term.
@Suite struct BilingualGlossaryTests {
    @Test func termsCarryTheirTranslationsBothWays() throws {
        let reception = try #require(QueryAnalyzer.terms("reception").first)
        #expect(reception.translations.contains("empfang"))
        #expect(!reception.variants.contains("empfang"))
        let urlaub = try #require(QueryAnalyzer.terms("Urlaub").first)
        #expect(urlaub.translations.contains("vacation") && urlaub.translations.contains("leave"))
        // Translations carry their transliterated spellings, as the index folds umlauts but not ß or "ue"
        let canteen = try #require(QueryAnalyzer.terms("shoes").first)
        #expect(canteen.translations.contains("sicherheitsschuhe"))
        let building = try #require(QueryAnalyzer.terms("building").first)
        #expect(building.translations.contains("gebäude") && building.translations.contains("gebaeude"))
    }

    @Test func translationsAreSearchedApartFromTheTermsThemselves() throws {
        let terms = QueryAnalyzer.terms("When does reception open?")
        let native = try #require(QueryAnalyzer.ftsExpression(terms))
        let translated = try #require(QueryAnalyzer.ftsTranslationExpression(terms))
        #expect(native.contains("\"reception\"") && !native.contains("empfang"))
        #expect(translated.contains("\"empfang\"") && !translated.contains("reception"))
        #expect(QueryAnalyzer.ftsTranslationExpression(QueryAnalyzer.terms("NR-X200 payload")) == nil)
    }

    @Test func aTranslationMatchesButNotNatively() throws {
        let term = try #require(QueryAnalyzer.terms("reception").first)
        let matcher = TermMatcher("Der Empfang ist montags bis freitags besetzt.")
        #expect(matcher.contains(term))
        #expect(!matcher.containsNatively(term))
    }
}
