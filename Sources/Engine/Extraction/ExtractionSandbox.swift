public import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a PDF in a child process that can be bounded from outside: its address space is capped, and it is killed
/// when the document's time budget runs out (issue 15).
///
/// Poppler builds a page's text whole, so a 25 KB PDF with one page of ten million glyphs cost 3.6 GB and 91 s in
/// the server's own process, and a thread cannot be stopped once it is inside poppler. In a child, the memory cap
/// makes the allocation fail, the deadline kills the child, and a crash in poppler on a broken file takes down
/// the child, never the server.
///
/// The host passes its own executable with the arguments of its hidden subcommand, which calls `runChild`:
///
/// ```swift
/// configuration.pdfSandbox = ExtractionSandbox(executable: ExtractionSandbox.currentExecutable!, arguments: ["extract-pdf"])
/// ```
public struct ExtractionSandbox: Sendable {
    /// The program that runs `runChild`.
    public var executable: URL
    /// Its arguments before the sandbox's own (`--filename`, `--memory-mib`, `--text-limit`).
    public var arguments: [String]
    /// The most memory the child may add to what it holds when it starts, in bytes.
    public var memoryLimit: Int

    public init(
        executable: URL,
        arguments: [String],
        memoryLimit: Int = ExtractionLimits.maxExtractionMemoryBytes
    ) {
        self.executable = executable
        self.arguments = arguments
        self.memoryLimit = memoryLimit
    }

    /// The running program's own file (`/proc/self/exe`, resolved now: a child resolving it would find itself).
    public static var currentExecutable: URL? {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            return nil
        }
        return URL(fileURLWithPath: path)
    }

    // MARK: - Parent

    /// Extracts a PDF in a child process within `budget`'s time and text and this sandbox's memory.
    ///
    /// - Throws: what the in-process extractor throws, decided in the child; `timeout` when the budget's time runs
    ///   out (the child is killed); `contentTooLarge` with `memory` when the child runs out of its memory.
    func extract(_ data: Data, filename: String, budget: ProcessingBudget) throws(EngineError) -> ExtractedDocument {
        let process = Process()
        process.executableURL = executable
        process.arguments =
            arguments + [
                "--filename", filename, "--memory-mib", String(memoryLimit / 1_048_576),
                "--text-limit", String(budget.textLimit),
            ]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        Self.ignoreBrokenPipe
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw .internalError("cannot start the PDF reader \(executable.path): \(error.localizedDescription)")
        }
        // Writing and reading on their own threads: a child that fills its output pipe before it has read all of
        // its input must not stall either side.
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isOutput) in [(output, true), (errors, false)] {
            group.enter()
            Thread {
                let bytes = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(bytes, output: isOutput)
                group.leave()
            }.start()
        }
        Thread {
            // A child that dies early closes the pipe: the write then fails with EPIPE, and its answer says why.
            try? input.fileHandleForWriting.write(contentsOf: data)
            try? input.fileHandleForWriting.close()
        }.start()
        let remaining = ContinuousClock.now.duration(to: budget.deadline)
        let seconds = max(0, Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18)
        if exited.wait(timeout: .now() + seconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
            group.wait()
            throw budget.timeoutError(filename: filename)
        }
        group.wait()
        let (answer, diagnostics) = collected.value
        if process.terminationReason == .exit, process.terminationStatus == 0,
            let reply = try? JSONDecoder().decode(ChildReply.self, from: answer)
        {
            return try reply.result(filename: filename, budget: budget)
        }
        let text = String(decoding: diagnostics.suffix(2_000), as: UTF8.self)
        if Self.ranOutOfMemory(diagnostics: text) {
            throw .contentTooLarge(filename: filename, limit: .memory(limit: memoryLimit))
        }
        // Poppler crashed on the file: that stops the child, not this process, and the file is as good as damaged.
        let how = process.terminationReason == .uncaughtSignal ? "signal" : "status"
        Logger(label: "chatshell.ingestion").warning(
            "the PDF reader stopped on \(filename) (\(how) \(process.terminationStatus)): \(text.suffix(300))"
        )
        throw .invalidFile(filename: filename, reason: .truncatedPDF)
    }

    /// Ignores `SIGPIPE`, once, before the first child starts.
    ///
    /// A child that dies before it read its input closes the pipe; the write must then fail with `EPIPE`, not
    /// raise `SIGPIPE`, which would end this process.
    private static let ignoreBrokenPipe: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    /// Whether a child's last words say an allocation failed: poppler's "Out of memory", C++'s `bad_alloc`,
    /// GLib's "failed to allocate", Swift's allocation failure, or the child's own note after `setrlimit`.
    static func ranOutOfMemory(diagnostics: String) -> Bool {
        let lowered = diagnostics.lowercased()
        return ["out of memory", "bad_alloc", "failed to allocate", "could not allocate", "cannot allocate"]
            .contains { lowered.contains($0) }
    }

    // MARK: - Child

    /// The child's side: caps its own memory, reads the PDF from standard input, and writes its extraction (or
    /// the error that stopped it) to standard output as JSON.
    ///
    /// - Parameters:
    ///   - filename: the document's name, for messages.
    ///   - memoryMiB: how much memory it may add to what it holds now.
    ///   - textLimit: the most text, in UTF-8 bytes.
    /// - Returns: the process's exit status (0 when it wrote an answer).
    public static func runChild(filename: String, memoryMiB: Int, textLimit: Int) -> Int32 {
        exitWithParent()
        capAddressSpace(adding: memoryMiB * 1_048_576)
        let data = FileHandle.standardInput.readDataToEndOfFile()
        // The parent owns the clock and kills the child at the deadline; the child checks none of its own.
        let budget = ProcessingBudget(timeLimit: .seconds(365 * 86_400), textLimit: textLimit)
        let reply: ChildReply
        do {
            reply = .document(try PDFExtractor(budget: budget).extract(data, filename: filename))
        } catch {
            reply = ChildReply(error)
        }
        guard let encoded = try? JSONEncoder().encode(reply) else { return 1 }
        FileHandle.standardOutput.write(encoded)
        return 0
    }

    /// Ends the child when its parent is gone (killed, or exited past the time limit before it could kill the
    /// child): it would be adopted by init and read on to its memory limit for nobody.
    private static func exitWithParent() {
        let parent = getppid()
        let watcher = Thread {
            while getppid() == parent { usleep(100_000) }
            _exit(1)
        }
        watcher.stackSize = 1 << 16
        watcher.start()
    }

    /// Limits the address space to what is mapped now plus `bytes`, so an allocation past it fails.
    private static func capAddressSpace(adding bytes: Int) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmSize:") }
        let kibibytes = line?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var limit = rlimit()
        limit.rlim_cur = rlim_t(kibibytes * 1024 + bytes)
        limit.rlim_max = limit.rlim_cur
        #if canImport(Glibc)
            setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
        #else
            setrlimit(RLIMIT_AS, &limit)
        #endif
    }
}

/// What a child answers: the extraction, or the `EngineError` it ended with, in the few kinds PDF reading throws.
enum ChildReply: Codable {
    case document(ExtractedDocument)
    case damaged
    case pages(Int)
    case text(limit: Int)
    case timeout
    case failed(String)

    init(_ error: any Error) {
        switch error as? EngineError {
        case .invalidFile?: self = .damaged
        case .contentTooLarge(_, .pages(let count))?: self = .pages(count)
        case .contentTooLarge(_, .extractedText(let limit))?: self = .text(limit: limit)
        case .timeout?: self = .timeout
        default: self = .failed(String(describing: error))
        }
    }

    func result(filename: String, budget: ProcessingBudget) throws(EngineError) -> ExtractedDocument {
        switch self {
        case .document(let document): return document
        case .damaged: throw .invalidFile(filename: filename, reason: .truncatedPDF)
        case .pages(let count): throw .contentTooLarge(filename: filename, limit: .pages(count))
        case .text(let limit): throw .contentTooLarge(filename: filename, limit: .extractedText(limit: limit))
        case .timeout: throw budget.timeoutError(filename: filename)
        case .failed(let why): throw .internalError(why)
        }
    }
}

/// The child's output and error output, filled by the reader threads.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var output = Data()
    private var errors = Data()

    func set(_ data: Data, output isOutput: Bool) {
        lock.withLock {
            if isOutput { output = data } else { errors = data }
        }
    }

    var value: (output: Data, errors: Data) { lock.withLock { (output, errors) } }
}
