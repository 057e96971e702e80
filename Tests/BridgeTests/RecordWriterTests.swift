import Foundation
import Synchronization
import Testing

@testable import Bridge

@Suite struct RecordWriterTests {
    private let tag = RequestTag(serial: 7, idJSON: #""a""#)

    private func token(_ text: String) -> OutputRecord {
        OutputRecord(tag: tag, kind: .token(text))
    }

    private func event(_ type: String, terminal: Bool = false) -> OutputRecord {
        OutputRecord(tag: tag, kind: .event(type: type, members: ""), terminal: terminal)
    }

    @Test func tokensQueuedBehindABlockedReaderMergeWithoutSeqGaps() async {
        // Given: a reader that takes nothing, and a record the writer is already stuck on.
        let sink = CollectingSink()
        sink.pause()
        let writer = RecordWriter(sink: sink, maxBuffer: 1 << 20, coalesce: nil)
        writer.start { _ in }
        writer.enqueue(OutputRecord(tag: nil, kind: .line(#"{"type":"hello"}"#)))
        await sink.waitUntilBlocked()
        // When: a request's events pile up.
        writer.enqueue(event("start"))
        for index in 0..<100 { writer.enqueue(token("a\(index) ")) }
        writer.enqueue(event("citation"))
        for index in 0..<100 { writer.enqueue(token("b\(index) ")) }
        writer.enqueue(event("done", terminal: true))
        sink.resume()
        await writer.waitUntilIdle(timeout: .seconds(10))
        // Then: consecutive tokens became one token each side of the citation, seq has no gap.
        let events = BridgeDriver.events(sink.lines)
        #expect(
            events.compactMap { $0["type"] as? String } == ["hello", "start", "token", "citation", "token", "done"]
        )
        #expect(events.dropFirst().compactMap { $0["seq"] as? Int } == [0, 1, 2, 3, 4])
        #expect(events[2]["text"] as? String == (0..<100).map { "a\($0) " }.joined())
        #expect(events[4]["text"] as? String == (0..<100).map { "b\($0) " }.joined())
        #expect(writer.counters.mergedTokens == 198)
        #expect(writer.backlogBytes == 0)
    }

    @Test func coalescingHoldsTokensUntilTheWindowOrTheNextEvent() async {
        let sink = CollectingSink()
        let writer = RecordWriter(sink: sink, maxBuffer: 1 << 20, coalesce: .seconds(30))
        writer.start { _ in }
        writer.enqueue(event("start"))
        writer.enqueue(token("one "))
        writer.enqueue(token("two"))
        await sink.waitFor { !$0.isEmpty }
        // The held token is not out yet (it is due in 30 s); a later event of the request releases it at once.
        #expect(BridgeDriver.events(sink.lines).compactMap { $0["type"] as? String } == ["start"])
        writer.enqueue(event("done", terminal: true))
        await writer.waitUntilIdle(timeout: .seconds(10))
        let events = BridgeDriver.events(sink.lines)
        #expect(events.compactMap { $0["type"] as? String } == ["start", "token", "done"])
        #expect(events[1]["text"] as? String == "one two")
    }

    @Test func producersWaitOverMaxBufferUntilHalfIsWritten() async {
        let sink = CollectingSink()
        sink.pause()
        let writer = RecordWriter(sink: sink, maxBuffer: 1_024, coalesce: nil)
        writer.start { _ in }
        for index in 0..<40 {
            writer.enqueue(OutputRecord(tag: nil, kind: .line("line \(index) " + String(repeating: "x", count: 40))))
        }
        #expect(writer.backlogBytes > 1_024)
        let waited = Task {
            await writer.waitForRoom()
            return writer.backlogBytes
        }
        // The producer must be waiting before the reader comes back, or it would not wait at all.
        while writer.roomWaiters == 0 { await Task.yield() }
        sink.resume()
        #expect(await waited.value <= 512)
    }

    @Test func producersWriteDirectlyWhenTheSinkHasRoomAndOrderHolds() async {
        // Given: a sink that takes records at once, and eight requests producing concurrently
        let sink = CollectingSink(takesAtOnce: true)
        let writer = RecordWriter(sink: sink, maxBuffer: 1 << 20, coalesce: nil)
        writer.start { _ in }
        await withTaskGroup(of: Void.self) { group in
            for serial in 0..<8 {
                group.addTask {
                    let tag = RequestTag(serial: serial, idJSON: "\"r\(serial)\"")
                    writer.enqueue(OutputRecord(tag: tag, kind: .event(type: "start", members: "")))
                    for index in 0..<50 {
                        writer.enqueue(OutputRecord(tag: tag, kind: .event(type: "status", members: ",\"n\":\(index)")))
                        if index % 10 == 0 { await Task.yield() }
                    }
                    writer.enqueue(OutputRecord(tag: tag, kind: .event(type: "done", members: ""), terminal: true))
                }
            }
        }
        await writer.waitUntilIdle(timeout: .seconds(10))

        // Then: every record is written once, each request's seq runs 0... without gaps and in order, and some
        // records skipped the writer's thread
        let events = BridgeDriver.events(sink.lines)
        #expect(events.count == 8 * 52)
        for serial in 0..<8 {
            let own = events.filter { $0["id"] as? String == "r\(serial)" }
            #expect(own.compactMap { $0["seq"] as? Int } == Array(0..<52))
            #expect(own.compactMap { $0["n"] as? Int } == Array(0..<50))
            #expect(own.last?["type"] as? String == "done")
        }
        #expect(sink.directWrites > 0)
    }

    @Test func aFailingSinkReleasesWaitersAndReportsOnce() async {
        let failures = FailureLog()
        let writer = RecordWriter(sink: CollectingSink(failAfter: 1), maxBuffer: 64, coalesce: nil)
        writer.start { failures.record($0) }
        for index in 0..<10 { writer.enqueue(OutputRecord(tag: nil, kind: .line("line \(index)"))) }
        await writer.waitForRoom()
        await writer.waitUntilIdle(timeout: .seconds(10))
        #expect(failures.entries == [.readerGone])
    }
}

/// Failures a writer reported.
final class FailureLog: Sendable {
    private let log = Mutex<[SinkFailure]>([])

    func record(_ failure: SinkFailure) {
        log.withLock { $0.append(failure) }
    }

    var entries: [SinkFailure] { log.withLock { $0 } }
}
