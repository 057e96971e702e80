import Testing

@testable import Engine

/// Reading amounts from questions and the ranges that rules state for them.
@Suite struct QuantityRangeTests {
    @Test func amountsKeepTheirCurrencyOrUnit() {
        let found = QuantityRange.quantities(in: "A claim of $1,250.50, a 12 kg part and EUR 40.").map(\.quantity)
        #expect(
            found == [
                .init(value: 1_250.5, unit: "$"), .init(value: 12, unit: "kg"), .init(value: 40, unit: "€"),
            ]
        )
    }

    @Test func boundWordsBeforeAnAmountMakeARange() throws {
        let middle = try #require(
            QuantityRange.stated(
                in: "Amount of a single claim: Above $500 and up to $2,500; Approval: manager",
                unit: "$"
            )
        )
        #expect(!middle.contains(500) && middle.contains(500.01) && middle.contains(2_500) && !middle.contains(2_501))
        let low = try #require(QuantityRange.stated(in: "Up to $500; Automatic, subject to audit", unit: "$"))
        #expect(low.contains(20) && !low.contains(900))
        let high = try #require(QuantityRange.stated(in: "Above $2,500; Your manager and your VP", unit: "$"))
        #expect(high.contains(9_000) && !high.contains(900))
        let german = try #require(QuantityRange.stated(in: "Mobiles Arbeiten: bis zu 3 Tage pro Woche", unit: "tage"))
        #expect(german.contains(3) && !german.contains(4))
    }

    @Test func amountsWithoutBoundsOrOfAnotherUnitStateNoRange() {
        #expect(QuantityRange.stated(in: "Client meals cost $85 per person.", unit: "$") == nil)
        #expect(QuantityRange.stated(in: "Submit claims within up to 30 days.", unit: "$") == nil)
    }
}
