public import Foundation

/// Runs transcripts and reports: verify, accept, accept from `.actual` files (transcripts.md sections 6 and 8).
///
/// Turns run through a `TranscriptDriver` made per file by the injected factory, so this type needs neither the
/// interpreter nor a backend. Human output goes to `output` as it is produced; the JSON and JUnit reports are
/// built from the returned `ReplayReport`.
///
/// ```swift
/// let replayer = TranscriptReplayer(options: options, makeDriver: factory) { text in
///     FileHandle.standardOutput.write(Data(text.utf8))
/// }
/// let report = await replayer.run(paths: ["transcripts/northwind"])
/// exit(report.exitCode)
/// ```
public struct TranscriptReplayer: Sendable {
    public let options: ReplayOptions
    let makeDriver: TranscriptDriverFactory
    let output: @Sendable (String) -> Void

    /// - Parameters:
    ///   - options: mode, flags and the test environment.
    ///   - makeDriver: makes a fresh driver per transcript.
    ///   - output: receives human output text, newlines included.
    public init(
        options: ReplayOptions,
        makeDriver: @escaping TranscriptDriverFactory,
        output: @escaping @Sendable (String) -> Void
    ) {
        self.options = options
        self.makeDriver = makeDriver
        self.output = output
    }

    // MARK: - Discovery

    /// One transcript to run.
    public struct Entry: Sendable, Equatable {
        public var url: URL
        /// The path as shown.
        public var path: String

        public init(url: URL, path: String) {
            self.url = url
            self.path = path
        }
    }

    /// What `PATH...` names: transcripts, and (in CI) `.actual` or cassette files without their transcript.
    public struct Discovery: Sendable, Equatable {
        public var entries: [Entry]
        public var orphans: [Entry]
    }

    /// Finds the transcripts `paths` name; directories are searched recursively, the default is `transcripts/`
    /// under the repository root.
    ///
    /// - Throws: a usage message for a path that names no transcript.
    public func discover(_ paths: [String]) throws(TranscriptUsageError) -> Discovery {
        let fileManager = FileManager.default
        let roots: [URL] =
            paths.isEmpty
            ? [options.repositoryRoot.appendingPathComponent("transcripts")]
            : paths.map { path in
                path.hasPrefix("/")
                    ? URL(fileURLWithPath: path) : options.currentDirectory.appendingPathComponent(path)
            }
        var found: [URL] = []
        var orphans: [URL] = []
        for (index, root) in roots.enumerated() {
            let shown = paths.isEmpty ? "transcripts/" : paths[index]
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
                throw TranscriptUsageError("\(shown): no such file or folder")
            }
            if !isDirectory.boolValue {
                guard root.pathExtension == "chat" else {
                    throw TranscriptUsageError("\(shown): not a .chat transcript")
                }
                found.append(root)
                continue
            }
            var inFolder: [URL] = []
            let enumerator = fileManager.enumerator(atPath: root.path)
            while let relative = enumerator?.nextObject() as? String {
                let url = root.appendingPathComponent(relative)
                if relative.hasSuffix(".chat") {
                    inFolder.append(url)
                } else if relative.hasSuffix(".chat.actual") || relative.hasSuffix(".events.jsonl") {
                    let base =
                        relative.hasSuffix(".chat.actual")
                        ? String(url.path.dropLast(".actual".count))
                        : String(url.path.dropLast(".events.jsonl".count)) + ".chat"
                    if !fileManager.fileExists(atPath: base) { orphans.append(url) }
                }
            }
            guard !inFolder.isEmpty else { throw TranscriptUsageError("\(shown): no .chat transcripts in this folder") }
            found += inFolder
        }
        func entries(_ urls: [URL]) -> [Entry] {
            var seen: Set<String> = []
            return urls.map { Entry(url: $0.standardizedFileURL, path: display($0)) }
                .filter { seen.insert($0.url.path).inserted }
                .sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        }
        return Discovery(entries: entries(found), orphans: entries(orphans))
    }

    /// A path relative to the current directory when inside it.
    public func display(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let base = options.currentDirectory.standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    // MARK: - Running

    /// Replays one transcript without writing anything (for `swift test` and the modes below).
    public func replay(_ entry: Entry) async -> TranscriptFileResult {
        await TranscriptFileRunner(options: options, makeDriver: makeDriver).run(url: entry.url, path: entry.path)
    }

    /// Runs the mode over `paths` and prints the human report.
    public func run(paths: [String]) async -> ReplayReport {
        if options.mode != .verify, options.ci {
            return usage("accept writes transcripts, which CI mode never does (use --no-ci to accept locally)")
        }
        let discovery: Discovery
        do {
            discovery = try discover(paths)
        } catch let error {
            return usage(error.message)
        }
        if options.mode == .acceptFromActual {
            return acceptFromActual(discovery.entries)
        }
        if let line = options.backendLine { output(line + "\n") }
        var results = await runAll(discovery.entries)
        if options.ci {
            for orphan in discovery.orphans {
                let message = "\((orphan.path as NSString).lastPathComponent) has no transcript next to it"
                results.append(
                    TranscriptFileResult(
                        path: orphan.path,
                        url: orphan.url,
                        status: .failed,
                        reason: "missing transcript",
                        failures: [
                            TranscriptFailure(
                                kind: .file,
                                line: 0,
                                turn: nil,
                                message: "missing transcript: \(message)"
                            )
                        ]
                    )
                )
                output("!")
            }
        }
        output("\n")
        var report = ReplayReport(files: results, accepting: options.mode == .accept)
        if !options.ci {
            for result in results { report.stillFailing += settle(result) }
        }
        printReport(report)
        return report
    }

    /// Writes what the mode writes for one result, outside CI: verify writes a differing run's `.actual` and
    /// deletes the stale one of a clean run; accept writes the transcript from the `.actual` text.
    ///
    /// - Returns: `FILE: N checks still failing ...` lines (accept only).
    @discardableResult
    public func settle(_ result: TranscriptFileResult) -> [String] {
        guard !options.ci else { return [] }
        switch options.mode {
        case .verify:
            writeActualFile(result)
            return []
        case .accept:
            return accept(result)
        case .acceptFromActual:
            return []
        }
    }

    private func usage(_ message: String) -> ReplayReport {
        output("error: \(message)\n")
        var report = ReplayReport(files: [])
        report.usageErrors = [message]
        return report
    }

    /// Runs files `jobs` at a time, printing progress in path order.
    private func runAll(_ entries: [Entry]) async -> [TranscriptFileResult] {
        var results: [TranscriptFileResult?] = Array(repeating: nil, count: entries.count)
        var nextToPrint = 0
        var stopped = false
        await withTaskGroup(of: (Int, TranscriptFileResult).self) { group in
            var nextToStart = 0
            func startNext() {
                guard nextToStart < entries.count, !stopped else { return }
                let index = nextToStart
                let entry = entries[index]
                nextToStart += 1
                group.addTask { (index, await replay(entry)) }
            }
            for _ in 0..<min(options.jobs, entries.count) { startNext() }
            for await (index, result) in group {
                results[index] = result
                while nextToPrint < entries.count, let ready = results[nextToPrint] {
                    output(String(ready.status.progress))
                    nextToPrint += 1
                }
                if options.failFast, result.status == .failed || result.status == .error { stopped = true }
                startNext()
            }
        }
        var finished: [TranscriptFileResult] = []
        for result in results {
            guard let result else { break }
            finished.append(result)
            if options.failFast, result.status == .failed || result.status == .error { break }
        }
        return finished
    }

    // MARK: - Writing

    /// Writes the `.actual` file of a differing run, or deletes a stale one after a clean run.
    private func writeActualFile(_ result: TranscriptFileResult) {
        guard result.status != .skipped, result.status != .error, !result.isUsageError else { return }
        let actualURL = URL(fileURLWithPath: result.url.path + ".actual")
        if let actual = result.actual {
            do {
                try Data(actual.utf8).write(to: actualURL, options: .atomic)
            } catch {
                output("error: cannot write \(result.path).actual: \(error.localizedDescription)\n")
            }
        } else if result.failures.isEmpty {
            try? FileManager.default.removeItem(at: actualURL)
        }
    }

    /// Writes a differing transcript from its `.actual` text minus `#!` lines and deletes the `.actual`.
    private func accept(_ result: TranscriptFileResult) -> [String] {
        guard let actual = result.actual else { return [] }
        let accepted = Self.stripAnnotations(actual)
        do {
            try Data(accepted.utf8).write(to: result.url, options: .atomic)
            try? FileManager.default.removeItem(at: URL(fileURLWithPath: result.url.path + ".actual"))
            output("Accepted \(result.path)\n")
        } catch {
            return ["\(result.path): cannot write: \(error.localizedDescription)"]
        }
        let lines = stillFailingLines(result, accepted: accepted)
        return lines.isEmpty ? [] : [Self.stillFailingMessage(path: result.path, lines: lines)]
    }

    static func stillFailingMessage(path: String, lines: [Int]) -> String {
        let count = lines.count
        let list = lines.map(String.init).joined(separator: ", ")
        return "\(path): \(count) check\(count == 1 ? "" : "s") still failing (line\(count == 1 ? "" : "s") \(list)); "
            + "edit them by hand"
    }

    /// Lines, in the accepted file, of failures that accepting cannot fix: checks, unexpected errors, markers.
    private func stillFailingLines(_ result: TranscriptFileResult, accepted: String) -> [Int] {
        guard let transcript = try? Transcript.parse(accepted, path: result.path) else { return [] }
        var lines: [Int] = []
        for failure in result.failures {
            guard let number = failure.turn, let turn = transcript.turns.first(where: { $0.number == number }) else {
                continue
            }
            switch failure.kind {
            case .check:
                let report = result.turns.first { $0.number == number }
                let index = report?.checks.firstIndex { $0.check.line == failure.line }
                if let index, turn.checks.indices.contains(index) { lines.append(turn.checks[index].line) }
            case .turn, .timeout:
                lines.append(turn.line)
            case .output, .drift, .file:
                break
            }
        }
        return Array(Set(lines)).sorted()
    }

    /// The text without `#!` lines.
    static func stripAnnotations(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        let trailingNewline = lines.last == ""
        if trailingNewline { lines.removeLast() }
        let kept = lines.filter { !($0 == "#!" || $0.hasPrefix("#! ")) }
        return kept.joined(separator: "\n") + (trailingNewline ? "\n" : "")
    }

    /// Promotes `.actual` files without running; one whose hash does not match its transcript is refused.
    private func acceptFromActual(_ entries: [Entry]) -> ReplayReport {
        var report = ReplayReport(files: [], accepting: true)
        var messages: [String] = []
        var accepted = 0
        for entry in entries {
            let actualURL = URL(fileURLWithPath: entry.url.path + ".actual")
            guard let data = try? Data(contentsOf: actualURL), let text = String(data: data, encoding: .utf8) else {
                continue
            }
            let original = (try? Data(contentsOf: entry.url)) ?? Data()
            let expected = ActualFileStamp.line(name: entry.url.lastPathComponent, contents: original)
            let lastLine = text.split(separator: "\n").last.map(String.init) ?? ""
            guard lastLine == expected else {
                let message =
                    "\(entry.path).actual is stale: \(entry.url.lastPathComponent) changed since it was written; "
                    + "run chatshell replay again"
                report.usageErrors.append(message)
                output("error: \(message)\n")
                continue
            }
            let promoted = Self.stripAnnotations(text)
            do {
                try Data(promoted.utf8).write(to: entry.url, options: .atomic)
                try FileManager.default.removeItem(at: actualURL)
            } catch {
                output("error: cannot accept \(entry.path): \(error.localizedDescription)\n")
                report.usageErrors.append("cannot write \(entry.path)")
                continue
            }
            accepted += 1
            output("Accepted \(entry.path)\n")
            let failing = Self.annotatedCheckLines(text)
            if !failing.isEmpty { messages.append(Self.stillFailingMessage(path: entry.path, lines: failing)) }
        }
        report.stillFailing = messages
        for message in messages { output(message + "\n") }
        output("# Accepted \(accepted) transcript\(accepted == 1 ? "" : "s") from .actual files.\n")
        return report
    }

    /// Line numbers, after removing `#!` lines, of `?` lines followed by a `#! FAIL` annotation.
    static func annotatedCheckLines(_ actual: String) -> [Int] {
        var lines: [Int] = []
        var number = 0
        var lastCheck: Int?
        var lastWasCheckOrAnnotation = false
        for line in actual.components(separatedBy: "\n") {
            if line == "#!" || line.hasPrefix("#! ") {
                if line.hasPrefix("#! FAIL"), lastWasCheckOrAnnotation, let check = lastCheck, lines.last != check {
                    lines.append(check)
                }
                continue
            }
            number += 1
            lastWasCheckOrAnnotation = line.hasPrefix("?")
            lastCheck = lastWasCheckOrAnnotation ? number : nil
        }
        return lines
    }

    // MARK: - Report

    private func printReport(_ report: ReplayReport) {
        var text = ""
        for result in report.files {
            let showDiff = result.status == .failed || (options.verbose && result.status == .drifted)
            if showDiff, let diff = result.diff, diff.contains("\n@@") { text += diff + "\n" }
        }
        for result in report.files {
            switch result.status {
            case .error:
                text += "\(result.path): infrastructure error: \(result.reason ?? "unknown")\n"
            case .skipped where options.verbose:
                text += "\(result.path): skipped: \(result.reason ?? "")\n"
            default:
                break
            }
            for line in result.failureLines { text += line + "\n" }
            if options.verbose, let note = result.note { text += "\(result.path): \(note)\n" }
        }
        for message in report.stillFailing { text += message + "\n" }
        let judged = report.files.reduce(0) { $0 + $1.skippedJudgedChecks }
        if judged > 0 {
            text += "# \(judged) judged check\(judged == 1 ? "" : "s") skipped (no judge configured).\n"
        }
        text += report.summaryLine + "\n"
        output(text)
    }
}

/// A mistake in how replay was called: exit 2.
public struct TranscriptUsageError: Error, Equatable, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }
}
