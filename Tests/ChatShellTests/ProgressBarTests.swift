import Commands
import Testing

@testable import ChatShell

@Suite struct ProgressBarTests {
    @Test func theShownFractionEasesTowardAReportInsteadOfJumping() {
        var shown = 0.1
        var frames: [Double] = []
        for _ in 0..<20 {
            shown = ProgressBar.advance(shown: shown, target: 0.4)
            frames.append(shown)
        }
        #expect(frames[0] < 0.2)
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(frames.last.map { abs($0 - 0.4) < 0.01 } == true)
    }

    @Test func whileAStageRunsTheBarCreepsButNeverPassesTheCeiling() {
        var shown = 0.4
        for _ in 0..<10_000 { shown = ProgressBar.advance(shown: shown, target: 0.4) }
        #expect(shown > 0.45)
        #expect(shown < 0.4 + ProgressBar.creepRoom)
        #expect(ProgressBar.advance(shown: 1, target: 1) == 1)
        // A lower report never moves the bar back.
        #expect(ProgressBar.advance(shown: 0.5, target: 0.3) >= 0.5)
    }

    @Test func narrowingClearsTheRowsTheOldLineWrappedOnto() {
        #expect(ProgressBar.eraseSequence(drawnWidth: 79, columns: 80) == "\r\u{1B}[K")
        #expect(ProgressBar.eraseSequence(drawnWidth: 79, columns: 40) == "\u{1B}[1A\r\u{1B}[J")
        #expect(ProgressBar.eraseSequence(drawnWidth: 199, columns: 60) == "\u{1B}[3A\r\u{1B}[J")
    }

    @Test func theLineFitsTheWidthInDisplayColumns() {
        for columns in [20, 40, 60, 80, 200] {
            let line = ProgressBar.line(fraction: 0.42, label: "出張規程-travel-policy.pdf indexing", columns: columns)
            #expect(DisplayWidth.of(line) <= columns - 3)
            #expect(line.hasSuffix("42%"))
        }
    }
}
