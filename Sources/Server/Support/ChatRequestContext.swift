import Engine
import Hummingbird
import NIOCore
import Synchronization

/// Per-request state that middleware and handlers share: the request id, the anonymous session to announce and
/// the headers every response of a kind carries.
///
/// Hummingbird passes the context by value, so handlers cannot hand values back to the middleware around them
/// through it; this box is shared by reference instead.
final class Exchange: Sendable {
    struct State {
        var requestId = ""
        var anonymousSession: AnonymousSessionGrant?
        /// Set after a migration: the anonymous session is gone, so its cookie is expired.
        var expireSessionCookie = false
        /// Auth responses carry `Cache-Control: no-store`.
        var noStore = false
    }

    private let state = Mutex(State())

    var requestId: String {
        get { state.withLock { $0.requestId } }
        set { state.withLock { $0.requestId = newValue } }
    }

    var anonymousSession: AnonymousSessionGrant? {
        get { state.withLock { $0.anonymousSession } }
        set { state.withLock { $0.anonymousSession = newValue } }
    }

    var expireSessionCookie: Bool {
        get { state.withLock { $0.expireSessionCookie } }
        set { state.withLock { $0.expireSessionCookie = newValue } }
    }

    var noStore: Bool {
        get { state.withLock { $0.noStore } }
        set { state.withLock { $0.noStore = newValue } }
    }
}

/// The request context of every route: Hummingbird's core storage plus the client address and the `Exchange`.
struct ChatRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's IP address, for login throttling; `unknown` for non-IP sockets.
    let clientAddress: String
    let exchange = Exchange()

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    var requestId: String { exchange.requestId }
}
