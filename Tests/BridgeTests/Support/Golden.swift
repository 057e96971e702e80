import Bridge
import ChatTestSupport
import Foundation
import Testing

/// A golden session: an input file under `Goldens/` and the output it must produce (bridge.md section 6).
///
/// Input files are sent as written, with a few harness directives (documented in `Goldens/README.md`):
/// `@flags …` (first lines), `@crlf`, `@bom`, `@raw HEX…`, `@repeat N C`; a blank line ends a batch: the
/// harness sends a batch in one write and waits for every reply to it before sending the next.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    let name: String
    let mode: BridgeConfiguration.Mode

    var testDescription: String { name + (mode == .jsonl ? ".jsonl" : ".txt") }

    private var fileExtension: String { mode == .jsonl ? "jsonl" : "txt" }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Goldens")

    var inputURL: URL { Self.folder.appendingPathComponent("\(name).in.\(fileExtension)") }
    var outputURL: URL { Self.folder.appendingPathComponent("\(name).out.\(fileExtension)") }

    /// Every case with an input file.
    static func all() -> [GoldenCase] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().compactMap { file in
            if file.hasSuffix(".in.jsonl") { return GoldenCase(name: String(file.dropLast(9)), mode: .jsonl) }
            if file.hasSuffix(".in.txt") { return GoldenCase(name: String(file.dropLast(7)), mode: .plain) }
            return nil
        }
    }

    /// The parsed input.
    struct Script {
        var flags: [String] = []
        var crlf = false
        var bom = false
        /// Each batch: its bytes and how many replies it gets.
        var batches: [(bytes: [UInt8], replies: Int)] = []
    }

    func script() throws -> Script {
        let text = try String(contentsOf: inputURL, encoding: .utf8)
        var script = Script()
        var batch: [[UInt8]] = []
        var replies = 0
        // Plain lines after `/quit` are never read, so they get no reply.
        var quit = false
        func endBatch() {
            guard !batch.isEmpty else { return }
            let terminator: [UInt8] = script.crlf ? [0x0D, 0x0A] : [0x0A]
            var bytes = batch.flatMap { $0 + terminator }
            if script.bom && script.batches.isEmpty { bytes = [0xEF, 0xBB, 0xBF] + bytes }
            script.batches.append((bytes, replies))
            batch = []
            replies = 0
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("@flags ") {
                script.flags += line.dropFirst(7).split(separator: " ").map(String.init)
            } else if line == "@crlf" {
                script.crlf = true
            } else if line == "@bom" {
                script.bom = true
            } else if line.hasPrefix("@raw ") {
                let hex = line.dropFirst(5).split(separator: " ")
                batch.append(hex.compactMap { UInt8($0, radix: 16) })
                replies += 1
            } else if line.hasPrefix("@repeat ") {
                let parts = line.split(separator: " ")
                let count = Int(parts[1]) ?? 0
                batch.append([UInt8](repeating: parts[2].utf8.first ?? 0x78, count: count))
                replies += 1
            } else if line.isEmpty {
                endBatch()
            } else {
                batch.append(Array(line.utf8))
                if !quit { replies += Self.replies(to: line, mode: mode) }
                if mode == .plain && Self.replies(to: line, mode: mode) == 0 { quit = true }
            }
        }
        endBatch()
        return script
    }

    /// Replies a line gets: plain, one per line but `/quit`; JSONL, one unless it is a `cancel`.
    private static func replies(to line: String, mode: BridgeConfiguration.Mode) -> Int {
        switch mode {
        case .plain:
            return ["/quit", "/exit", "/q"].contains(line.trimmingCharacters(in: .whitespaces)) ? 0 : 1
        case .jsonl:
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            return object?["op"] as? String == "cancel" ? 0 : 1
        }
    }

    /// Replies seen so far in the output.
    static func repliesSeen(_ lines: [String], mode: BridgeConfiguration.Mode) -> Int {
        switch mode {
        case .plain:
            return lines.filter { $0 == "." || $0.hasPrefix(".error ") }.count
        case .jsonl:
            return BridgeDriver.events(lines).filter { event in
                switch event["type"] as? String {
                case "done", "pong", "reset": true
                case "error": true
                default: false
                }
            }.count
        }
    }

    /// The configuration for the case's flags (the subset goldens use).
    func configuration(flags: [String]) -> BridgeConfiguration {
        var configuration = BridgeConfiguration(mode: mode)
        var index = 0
        func value() -> String {
            index += 1
            return index < flags.count ? flags[index] : ""
        }
        while index < flags.count {
            switch flags[index] {
            case "--sources": configuration.sources = true
            case "--stateless": configuration.stateless = true
            case "--no-commands": configuration.noCommands = true
            case "--max-lines": configuration.maxLines = Int(value())
            case "--max-inflight": configuration.maxInflight = Int(value()) ?? 4
            case "--on-eof": configuration.onEOF = value() == "cancel" ? .cancel : .drain
            case "--allow-admin": configuration.allowAdmin = true
            default: Issue.record("unknown golden flag \(flags[index])")
            }
            index += 1
        }
        return configuration
    }
}

/// Makes outputs comparable across runs: random ids, durations, scores, timestamps and the version redacted.
enum GoldenNormalizer {
    private static let idPattern = try? NSRegularExpression(
        pattern: "\\b(doc|mem|chk|cnv|msg|usr|cmp|req)_[A-Za-z0-9]{4,}"
    )

    static func redactIds(_ text: String) -> String {
        guard let idPattern else { return text }
        return idPattern.stringByReplacingMatches(
            in: text,
            range: NSRange(text.startIndex..., in: text),
            withTemplate: "[ID]"
        )
    }

    /// One JSONL line, redacted, keys sorted.
    static func jsonl(_ line: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) else { return line }
        let redacted = redact(object, key: nil)
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: redacted,
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
        else { return line }
        return String(decoding: data, as: UTF8.self)
    }

    private static func redact(_ value: Any, key: String?) -> Any {
        switch key {
        case "doc_id", "document_id":
            return value is NSNull ? value : "[ID]"
        case "elapsed_ms": return "[DURATION]"
        case "score": return "[SCORE]"
        case "version": return "[VERSION]"
        case "created_at", "updated_at": return "[TIME]"
        default: break
        }
        switch value {
        case let object as [String: Any]:
            return object.reduce(into: [String: Any]()) { $0[$1.key] = redact($1.value, key: $1.key) }
        case let array as [Any]:
            return array.map { redact($0, key: nil) }
        case let text as String:
            return redactIds(text)
        default:
            return value
        }
    }

    /// A whole JSONL output made canonical: lines redacted, and each request's consecutive tokens merged with
    /// `seq` renumbered, since where tokens split depends on how fast the reader was (4.4).
    static func canonicalJSONL(_ lines: [String]) -> [String] {
        var objects: [Any] = []
        var lastToken: [String: Int] = [:]
        for line in lines {
            guard let data = jsonl(line).data(using: .utf8),
                var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            else {
                objects.append(line)
                continue
            }
            // Whether a request waits behind its conversation's previous one depends on timing (bridge.md section
            // 6: the rest wait in one FIFO after `status: queued`), so the stage is not part of what a golden fixes.
            if object["type"] as? String == "status", object["stage"] as? String == "queued" { continue }
            let id = object["id"] as? String
            if let id, object["type"] as? String == "token", let index = lastToken[id],
                var previous = objects[index] as? [String: Any]
            {
                previous["text"] = (previous["text"] as? String ?? "") + (object["text"] as? String ?? "")
                objects[index] = previous
                continue
            }
            if let id {
                lastToken[id] = object["type"] as? String == "token" ? objects.count : nil
                object["seq"] = object["seq"] == nil ? nil : 0
            }
            objects.append(object)
        }
        var seq: [String: Int] = [:]
        return objects.map { item in
            guard var object = item as? [String: Any] else { return item as? String ?? "" }
            if let id = object["id"] as? String, object["seq"] != nil {
                object["seq"] = seq[id, default: 0]
                seq[id, default: 0] += 1
            }
            let data =
                (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            return data.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    /// Lines grouped for comparison: per id in order, and the id-less lines in order (bridge.md section 6).
    static func groups(_ lines: [String]) -> [String: [String]] {
        var groups: [String: [String]] = [:]
        for line in lines {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            let id = object?["id"] as? String ?? ""
            groups[id, default: []].append(line)
        }
        return groups
    }
}
