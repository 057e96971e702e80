import ChatAPI
import Foundation
import Synchronization

/// What went out on an answer's stream, so the assistant message can be stored however the stream ends: ChatAPI's
/// fold, when the first token left, and whether the message is stored yet.
///
/// Shared by the scaffold's `observe` and `ended` hooks and the producing task, hence a locked reference.
final class AnswerRecording: Sendable {
    private struct State {
        var fold = AnswerFold()
        var firstToken: Date?
        var stored = false
    }

    private let state = Mutex(State())

    /// The events seen so far, folded into an answer.
    var fold: AnswerFold { state.withLock { $0.fold } }

    func observe(_ event: StreamEvent) {
        state.withLock { state in
            if case .token = event, state.firstToken == nil { state.firstToken = Date() }
            state.fold.observe(event)
        }
    }

    func interrupt() {
        state.withLock { $0.fold.interrupt() }
    }

    /// Marks the message stored; false if it already was, so it is stored exactly once.
    func markStored() -> Bool {
        state.withLock { state in
            defer { state.stored = true }
            return !state.stored
        }
    }

    func firstTokenMs(since start: Date) -> Int? {
        state.withLock { $0.firstToken }.map { start.milliseconds(until: $0) }
    }
}
