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

    /// ` `, `-` and `+` lines from the standard library's minimal difference; removals before additions.
    static func body(old: [String], new: [String]) -> [String] {
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in new.difference(from: old) {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var lines: [String] = []
        var added: [String] = []
        var i = 0
        var j = 0
        while i < old.count || j < new.count {
            if i < old.count, removed.contains(i) {
                lines.append("-" + old[i])
                i += 1
            } else if j < new.count, inserted.contains(j) {
                added.append("+" + new[j])
                j += 1
            } else {
                lines += added
                added = []
                lines.append(" " + old[i])
                i += 1
                j += 1
            }
        }
        return lines + added
    }
}
