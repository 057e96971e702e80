/// How a turn's expected `|` lines line up with its actual client output (transcripts.md section 2, "Matching").
///
/// Expected lines match in order; `| ...` matches zero or more whole lines, as few as possible. When the whole
/// output does not match, the alignment with the fewest differences (a changed line counts once) tells which
/// expected lines changed, which are missing and which actual lines are new, so `.actual` files keep every line
/// that still matches, patterns included, and put a changed line where the expected one stood.
struct OutputAlignment: Sendable, Equatable {
    /// One step through both sequences.
    enum Step: Sendable, Equatable {
        /// Expected line `expected` matched actual line `actual`.
        case match(expected: Int, actual: Int)
        /// The `| ...` at `expected` took actual line `actual`.
        case absorb(expected: Int, actual: Int)
        /// The `| ...` at `expected` ends here.
        case ellipsisEnd(expected: Int)
        /// Expected line `expected` did not match actual line `actual`, which stands in its place.
        case substitute(expected: Int, actual: Int)
        /// Expected line `expected` has no counterpart.
        case missing(expected: Int)
        /// Actual line `actual` has no counterpart.
        case extra(actual: Int)
    }

    var steps: [Step]

    /// Whether every line matched.
    var isMatch: Bool {
        !steps.contains { step in
            switch step {
            case .missing, .extra, .substitute: true
            default: false
            }
        }
    }

    /// The first expected line that did not match, if any.
    var firstMissing: Int? {
        for step in steps {
            switch step {
            case .missing(let expected), .substitute(let expected, _): return expected
            default: continue
            }
        }
        return nil
    }

    /// The first actual line that matched nothing, if any.
    var firstExtra: Int? {
        for step in steps { if case .extra(let actual) = step { return actual } }
        return nil
    }

    /// Aligns expected patterns (nil for `| ...`) with actual lines.
    static func align(expected: [TranscriptPattern?], actual: [String]) -> OutputAlignment {
        let n = expected.count
        let m = actual.count
        var matches = [[Bool]](repeating: [Bool](repeating: false, count: m), count: n)
        for i in 0..<n {
            guard let pattern = expected[i] else { continue }
            for j in 0..<m { matches[i][j] = pattern.matches(actual[j]) }
        }
        // cost[i][j]: fewest unmatched lines aligning expected[i...] with actual[j...].
        var cost = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for j in stride(from: m, through: 0, by: -1) { cost[n][j] = m - j }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m, through: 0, by: -1) {
                if expected[i] == nil {
                    var best = cost[i + 1][j]
                    if j < m { best = min(best, cost[i][j + 1]) }
                    cost[i][j] = best
                } else {
                    var best = 1 + cost[i + 1][j]
                    if j < m {
                        best = min(best, 1 + cost[i][j + 1], 1 + cost[i + 1][j + 1])
                        if matches[i][j] { best = min(best, cost[i + 1][j + 1]) }
                    }
                    cost[i][j] = best
                }
            }
        }
        var steps: [Step] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i == n {
                steps.append(.extra(actual: j))
                j += 1
                continue
            }
            if expected[i] == nil {
                // As few lines as possible: stop absorbing whenever that costs nothing more.
                if cost[i][j] == cost[i + 1][j] {
                    steps.append(.ellipsisEnd(expected: i))
                    i += 1
                } else {
                    steps.append(.absorb(expected: i, actual: j))
                    j += 1
                }
                continue
            }
            if j < m, matches[i][j], cost[i][j] == cost[i + 1][j + 1] {
                steps.append(.match(expected: i, actual: j))
                i += 1
                j += 1
            } else if j < m, cost[i][j] == 1 + cost[i + 1][j + 1] {
                // A changed line stands in place of the expected one rather than vanishing into a later `| ...`.
                steps.append(.substitute(expected: i, actual: j))
                i += 1
                j += 1
            } else if j < m, cost[i][j] == 1 + cost[i][j + 1] {
                steps.append(.extra(actual: j))
                j += 1
            } else {
                steps.append(.missing(expected: i))
                i += 1
            }
        }
        return OutputAlignment(steps: steps)
    }
}
