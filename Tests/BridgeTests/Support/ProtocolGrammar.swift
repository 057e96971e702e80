import Foundation

/// Checks bridge output against bridge.md: JSONL lines against 4.2 and 4.5, plain lines against section 3.
///
/// Every bridge test runs its output through one of these; an empty list of problems means the stream is valid.
enum ProtocolGrammar {
    /// Facts gathered while checking a JSONL stream, for further assertions.
    struct JSONLReport {
        var problems: [String] = []
        /// Every line as an object.
        var events: [[String: Any]] = []
        /// Terminal event per request, in output order: (id, type, object).
        var terminals: [(id: String, type: String, event: [String: Any])] = []
        /// Concatenated tokens per request (the last request with that id).
        var tokens: [String: String] = [:]
        /// `start` events per id.
        var starts: [String: Int] = [:]
        var pongs = 0
    }

    private struct OpenRequest {
        var nextSeq = 1
        var op: String
        var sourcesSeen = false
        var tokenSeen = false
        var tokens = ""
    }

    /// Checks a JSONL stream.
    ///
    /// - Parameters:
    ///   - lines: stdout split at LF.
    ///   - complete: whether the run ended normally (`bye` last, nothing left open).
    /// - Returns: what was found, problems included.
    static func checkJSONL(_ lines: [String], complete: Bool = true) -> JSONLReport {
        var report = JSONLReport()
        var open: [String: OpenRequest] = [:]
        var sawBye = false
        for (number, line) in lines.enumerated() {
            func problem(_ text: String) { report.problems.append("line \(number + 1): \(text): \(line.prefix(300))") }
            guard let data = line.data(using: .utf8),
                let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            else {
                problem("not a JSON object")
                continue
            }
            report.events.append(object)
            guard let type = object["type"] as? String else {
                problem("no string type")
                continue
            }
            if sawBye { problem("line after bye") }
            if number == 0 && type != "hello" { problem("first line is not hello") }
            if type == "hello" {
                if number != 0 { problem("hello not first") }
                if object["protocol"] as? String != "chatshell-bridge/1" { problem("wrong protocol") }
                if object["id"] != nil || object["seq"] != nil { problem("hello with id/seq") }
                continue
            }
            if type == "bye" {
                sawBye = true
                if !["eof", "signal"].contains(object["reason"] as? String ?? "") { problem("bad bye reason") }
                if object["id"] != nil || object["seq"] != nil { problem("bye with id/seq") }
                continue
            }
            let idValue = object["id"]
            if idValue == nil || idValue is NSNull {
                // Only a rejected line or an id-less reset may lack an id.
                switch type {
                case "error":
                    if !(object["line"] is Int) { problem("rejection without line number") }
                    if object["seq"] != nil { problem("rejection with seq") }
                    if !(object["code"] is String) || !(object["message"] is String) { problem("rejection fields") }
                case "reset":
                    if object["seq"] != nil { problem("id-less reset with seq") }
                default:
                    problem("\(type) without id")
                }
                continue
            }
            guard let id = idValue as? String else {
                problem("id is not a string")
                continue
            }
            guard let seq = object["seq"] as? Int else {
                problem("event without integer seq")
                continue
            }
            switch type {
            case "start":
                if open[id] != nil { problem("start for an open id") }
                if seq != 0 { problem("start with seq \(seq)") }
                if !(["ask", "command"].contains(object["op"] as? String ?? "")) { problem("start with bad op") }
                if object["conversation"] == nil { problem("start without conversation") }
                open[id] = OpenRequest(op: object["op"] as? String ?? "")
                report.starts[id, default: 0] += 1
            case "pong", "reset":
                if open[id] != nil { problem("\(type) for an open id") }
                if seq != 0 { problem("\(type) with seq \(seq)") }
                if type == "pong" {
                    report.pongs += 1
                    if !(object["inflight"] is Int) || !(object["queued"] is Int) { problem("pong fields") }
                } else if !(object["existed"] is Bool) || !(object["conversation"] is String) {
                    problem("reset fields")
                }
            case "status", "sources", "token", "citation", "done", "error":
                guard var request = open[id] else {
                    problem("\(type) for an id that is not open")
                    continue
                }
                if seq != request.nextSeq { problem("seq \(seq), expected \(request.nextSeq)") }
                request.nextSeq = seq + 1
                switch type {
                case "status":
                    if !(object["stage"] is String) { problem("status without stage") }
                case "sources":
                    if request.sourcesSeen { problem("second sources") }
                    if request.tokenSeen { problem("sources after a token") }
                    request.sourcesSeen = true
                    if !(object["sources"] is [Any]) { problem("sources is not a list") }
                case "token":
                    guard let text = object["text"] as? String, !text.isEmpty else {
                        problem("token without text")
                        break
                    }
                    if request.op == "ask" && !request.sourcesSeen { problem("token before sources") }
                    request.tokenSeen = true
                    request.tokens += text
                case "citation":
                    if !(object["n"] is Int) || !(object["span"] is [Int]) { problem("citation fields") }
                case "done":
                    checkDone(object, request: request, problem: problem)
                case "error":
                    if !(object["code"] is String) || !(object["message"] is String) || !(object["retryable"] is Bool) {
                        problem("error fields")
                    }
                default:
                    break
                }
                if type == "done" || type == "error" {
                    open[id] = nil
                    report.terminals.append((id, type, object))
                    report.tokens[id] = request.tokens
                } else {
                    open[id] = request
                }
            default:
                problem("unknown event type \(type)")
            }
        }
        if complete {
            if !sawBye { report.problems.append("no bye") }
            for id in open.keys.sorted() { report.problems.append("request \(id) has no terminal event") }
        }
        return report
    }

    private static func checkDone(_ object: [String: Any], request: OpenRequest, problem: (String) -> Void) {
        guard let answer = object["answer"] as? String, object["finish"] is String, object["citations"] is [Any],
            object["elapsed_ms"] is Int, object.keys.contains("memory_added"), object.keys.contains("conversation")
        else {
            problem("done fields")
            return
        }
        if request.tokenSeen && request.tokens != answer { problem("tokens do not add up to the answer") }
        if request.op == "command" && !object.keys.contains("result") { problem("command done without result") }
        if request.op == "ask" && request.tokenSeen && !request.sourcesSeen { problem("ask without sources") }
        for case let citation as [String: Any] in object["citations"] as? [Any] ?? [] {
            if !(citation["n"] is Int) { problem("cited entry without n") }
        }
    }

    /// Checks that each citation's span covers its `[n]` marker in the answer that follows.
    static func citationSpanProblems(_ events: [[String: Any]]) -> [String] {
        var citations: [String: [(Int, [Int])]] = [:]
        var problems: [String] = []
        for event in events {
            guard let id = event["id"] as? String else { continue }
            switch event["type"] as? String {
            case "start":
                citations[id] = []
            case "citation":
                citations[id, default: []].append((event["n"] as? Int ?? -1, event["span"] as? [Int] ?? []))
            case "done":
                let scalars = Array((event["answer"] as? String ?? "").unicodeScalars)
                for (n, span) in citations[id] ?? [] {
                    guard span.count == 2, span[0] >= 0, span[0] < span[1], span[1] <= scalars.count else {
                        problems.append("\(id): span \(span) out of range")
                        continue
                    }
                    let marker = String(String.UnicodeScalarView(scalars[span[0]..<span[1]]))
                    if marker != "[\(n)]" { problems.append("\(id): span \(span) covers '\(marker)', not [\(n)]") }
                }
            default:
                break
            }
        }
        return problems
    }

    /// Checks a plain stream: each line fits section 3, and there is one end per reply.
    ///
    /// - Parameters:
    ///   - lines: stdout split at LF.
    ///   - replies: how many replies to expect (non-blank input lines but `/quit` and what follows it).
    /// - Returns: problems; empty when valid.
    static func checkPlain(_ lines: [String], replies: Int) -> [String] {
        var problems: [String] = []
        var ends = 0
        for (number, line) in lines.enumerated() {
            func problem(_ text: String) { problems.append("line \(number + 1): \(text): \(line.prefix(200))") }
            if line.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" }) { problem("control character") }
            guard line.hasPrefix(".") else { continue }
            if line == "." {
                ends += 1
            } else if line.hasPrefix("..") {
                continue
            } else if line.hasPrefix(".error ") {
                let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
                let code = parts.count > 1 ? parts[1] : ""
                if parts.count < 3 || parts[2].isEmpty { problem("error without message") }
                if code.isEmpty || !code.allSatisfy({ $0 == "_" || ("a"..."z").contains($0) }) { problem("bad code") }
                ends += 1
            } else {
                let name = line.dropFirst().prefix { $0 != " " }
                if name.isEmpty || !name.allSatisfy({ ("a"..."z").contains($0) }) || name == "error" {
                    problem("not a control line")
                }
            }
        }
        if ends != replies { problems.append("\(ends) replies ended, expected \(replies)") }
        if replies > 0, let last = lines.last, !(last == "." || last.hasPrefix(".error ")) {
            problems.append("output does not end with the end of a reply")
        }
        return problems
    }

    /// The replies plain input should get: non-blank lines up to `/quit`.
    static func plainReplies(to input: [String], commands: Bool = true) -> Int {
        var count = 0
        for line in input {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if commands && ["/quit", "/exit", "/q"].contains(trimmed.lowercased()) { break }
            count += 1
        }
        return count
    }
}
