/// The unified diff of a `.chat` against its `.actual`: one hunk per differing turn, headed by the turn number and
/// input (transcripts.md section 8).
enum UnifiedDiff {
    /// One turn's lines on both sides.
    struct Hunk {
        var turn: Int
        var headline: String
        /// 0-based start in the old file and its lines.
        var oldStart: Int
        var old: [String]
        var newStart: Int
        var new: [String]
    }

    static func render(oldPath: String, newPath: String, hunks: [Hunk]) -> String {
        var lines = ["--- \(oldPath)", "+++ \(newPath)"]
        for hunk in hunks {
            let oldRange = range(start: hunk.oldStart, count: hunk.old.count)
            let newRange = range(start: hunk.newStart, count: hunk.new.count)
            lines.append("@@ -\(oldRange) +\(newRange) @@ turn \(hunk.turn): \(hunk.headline)")
            lines += body(old: hunk.old, new: hunk.new)
        }
        return lines.joined(separator: "\n")
    }

    private static func range(start: Int, count: Int) -> String {
        count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }

    /// ` `, `-` and `+` lines from a longest common subsequence; removals before additions.
    static func body(old: [String], new: [String]) -> [String] {
        let n = old.count
        let m = new.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = old[i] == new[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var lines: [String] = []
        var i = 0
        var j = 0
        var added: [String] = []
        func flushAdded() {
            lines += added
            added = []
        }
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                flushAdded()
                lines.append(" " + old[i])
                i += 1
                j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                lines.append("-" + old[i])
                i += 1
            } else {
                added.append("+" + new[j])
                j += 1
            }
        }
        flushAdded()
        return lines
    }
}
