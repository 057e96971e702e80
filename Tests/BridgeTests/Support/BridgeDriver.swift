import Bridge
import ChatClient
import ChatTestSupport
import Foundation
import Testing

/// Runs a `BridgeSession` in-process over scripted input and a collecting sink.
enum BridgeDriver {
    /// What a run produced.
    struct Run {
        var code: Int32
        var lines: [String]
        var statistics: BridgeStatistics
    }

    /// Runs a session to its end.
    ///
    /// - Parameters:
    ///   - configuration: the flags.
    ///   - backend: the backend double or a real embedded backend.
    ///   - input: the scripted input (closed by the caller or the script).
    ///   - sink: the output.
    ///   - clock: the session's clock (a test's own one fires timeouts on an event).
    ///   - limit: a watchdog: past it the session is interrupted and the test fails.
    ///   - during: work to do while the session runs (sending more input, signalling), given the session.
    /// - Returns: exit code, output lines and statistics.
    static func run(
        _ configuration: BridgeConfiguration,
        backend: any Backend,
        input: ScriptedInput,
        sink: CollectingSink = CollectingSink(),
        clock: BridgeClock = .live,
        limit: Duration = .seconds(600),
        during: (@Sendable (BridgeSession) async -> Void)? = nil
    ) async -> Run {
        let session = BridgeSession(
            configuration: configuration,
            backend: backend,
            input: input,
            output: sink,
            clock: clock
        )
        let running = Task { await session.run() }
        let script = during.map { work in Task { await work(session) } }
        let watchdog = Task {
            try await Task.sleep(for: limit)
            Issue.record("the bridge did not finish within \(limit)")
            await session.interrupt(.terminate)
        }
        let code = await running.value
        watchdog.cancel()
        script?.cancel()
        return Run(code: code, lines: sink.lines, statistics: await session.currentStatistics())
    }

    /// A clock whose sleeps (the request timeout's, with no heartbeat configured) end when `expiry` opens, so a
    /// test says when a timeout fires.
    static func clock(expiringAt expiry: Gate) -> BridgeClock {
        BridgeClock(now: { ContinuousClock.now }, sleep: { _ in try await expiry.wait() })
    }

    /// One JSON request line with sorted keys.
    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Output lines parsed as objects (lines that are not objects are skipped; the grammar check reports them).
    static func events(_ lines: [String]) -> [[String: Any]] {
        lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// Waits until `condition` holds for the sink's lines, checked after every write.
    ///
    /// - Returns: whether it held before the watchdog.
    @discardableResult
    static func waitFor(_ sink: CollectingSink, _ condition: ([String]) -> Bool) async -> Bool {
        await sink.waitFor(condition)
    }
}

extension [[String: Any]] {
    /// Events of one request id, in order.
    func of(_ id: String) -> [[String: Any]] {
        filter { $0["id"] as? String == id }
    }

    /// Event types of one request id, in order.
    func types(of id: String) -> [String] {
        of(id).compactMap { $0["type"] as? String }
    }

    /// The terminal event of one request id.
    func terminal(of id: String) -> [String: Any]? {
        of(id).last { ["done", "error"].contains($0["type"] as? String ?? "") }
    }
}
