import Testing

@testable import Engine

/// What kind of statement a question asks for, from its frame words alone.
@Suite struct AnswerShapeTests {
    @Test(arguments: [
        ("What is the default page size of a new database?", AnswerShape.value),
        ("How many tables can a join contain?", .value),
        ("What does PRAGMA threads limit?", .description),
        ("What does the .bail command do?", .description),
        ("What storage classes does SQLite have?", .list),
        ("Which date and time functions does SQLite offer?", .list),
        ("Which Northwind arm does the dairy use?", .other),
        ("Is loading extensions allowed by default?", .yesNo),
        ("Can transactions be IMMEDIATE or EXCLUSIVE?", .yesNo),
        ("Where do new hires pick up their laptop?", .other),
    ])
    func questionFramesDecideTheShape(question: String, shape: AnswerShape) {
        #expect(AnswerShape.of(question) == shape)
    }

    @Test func pluralsAreReadByTheirEndingNotByAnyFinalS() {
        #expect(AnswerShape.isPlural("classes"))
        #expect(AnswerShape.isPlural("functions"))
        #expect(!AnswerShape.isPlural("class"))
        #expect(!AnswerShape.isPlural("status"))
        #expect(!AnswerShape.isPlural("analysis"))
    }
}
