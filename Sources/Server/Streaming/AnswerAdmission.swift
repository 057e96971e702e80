import Synchronization

/// Lets at most `limit` answers run at once and queues the rest in arrival order.
///
/// Answering is CPU work on a small thread pool: admitted all at once, a burst of questions interleaves so evenly
/// that every one of them gets its first token only when nearly all are done. Admitting a few at a time keeps the
/// same throughput but lets early arrivals finish early, and bounds the memory a burst can take.
final class AnswerAdmission: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    /// Concurrent answers allowed; 0 admits everything at once.
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Waits for a slot; the lease gives it back when released or dropped, so no exit path can leak it.
    func admit() async -> Lease {
        guard limit > 0 else { return Lease(admission: nil) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state -> Bool in
                if state.running < limit {
                    state.running += 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if admitted { continuation.resume() }
        }
        return Lease(admission: self)
    }

    fileprivate func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            // The slot passes straight to the next waiter; `running` stays the same.
            return state.waiting.removeFirst()
        }
        next?.resume()
    }

    /// One admitted answer's slot.
    final class Lease: Sendable {
        private let admission: AnswerAdmission?
        private let released = Atomic<Bool>(false)

        fileprivate init(admission: AnswerAdmission?) {
            self.admission = admission
        }

        /// Gives the slot back (once).
        func release() {
            guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
            admission?.release()
        }

        deinit {
            release()
        }
    }
}
