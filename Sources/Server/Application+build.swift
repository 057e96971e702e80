import ChatAPI
public import Engine
import Foundation
public import Hummingbird
import HummingbirdCore
import NIOCore

/// Builds the HTTP API server (http-api.md) on a knowledge base: one controller per resource, behind middleware
/// for request ids, error bodies, common headers and rate limits.
///
/// ```swift
/// let app = buildApplication(
///     configuration: ServerConfiguration(accounts: AccountsConfiguration(secret: try .resolve(...))),
///     knowledgeBase: knowledgeBase
/// )
/// try await app.runService()
/// ```
///
/// - Parameters:
///   - configuration: address, limits, accounts and the shutdown signal.
///   - knowledgeBase: the engine every route maps onto.
/// - Returns: the application; `run()` or `runService()` serves until shut down.
public func buildApplication(
    configuration: ServerConfiguration,
    knowledgeBase: KnowledgeBase
) -> some ApplicationProtocol {
    let (router, _) = buildRouter(configuration: configuration, knowledgeBase: knowledgeBase)
    let host = configuration.host
    let port = configuration.port
    let onListening = configuration.onListening
    let limits = ConnectionGuard.Limits(
        headTimeout: .milliseconds(Int64(configuration.requestHeadTimeoutSeconds * 1000)),
        bodyGrace: .milliseconds(Int64(configuration.bodyGraceSeconds * 1000)),
        minimumBodyBytesPerSecond: configuration.minimumBodyBytesPerSecond
    )
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [ConnectionGuard(limits: limits)],
                idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds))
            )
        ),
        configuration: ApplicationConfiguration(
            address: .hostname(host, port: port),
            serverName: nil,
            backlog: configuration.backlog
        ),
        onServerRunning: { channel in onListening(host, channel.localAddress?.port ?? port) },
        logger: configuration.logger
    )
}

/// Every route the server answers, as registered: for checking the OpenAPI document against the router.
///
/// - Parameters:
///   - configuration: as for `buildApplication`.
///   - knowledgeBase: as for `buildApplication`.
/// - Returns: methods and path patterns, sorted.
public func serverRoutes(configuration: ServerConfiguration, knowledgeBase: KnowledgeBase) -> [RouteDescriptor] {
    buildRouter(configuration: configuration, knowledgeBase: knowledgeBase).1.all
}

private func buildRouter(
    configuration: ServerConfiguration,
    knowledgeBase: KnowledgeBase
) -> (Router<ChatRequestContext>, RouteTable) {
    let accounts = knowledgeBase.accounts(configuration: configuration.accounts)
    // The rate limits count time on the engine's clock, the one token expiry uses: one clock per server, which
    // tests stop so that a slow run cannot refill a bucket between the requests they count.
    let clock = knowledgeBase.configuration.now
    let services = Services(
        knowledgeBase: knowledgeBase,
        accounts: accounts,
        callers: CallerResolver(accounts: accounts),
        configuration: configuration,
        streams: EventStreamResponder(
            heartbeat: .seconds(configuration.heartbeatSeconds),
            generationTimeout: .seconds(configuration.generationTimeoutSeconds),
            shutdown: configuration.shutdown,
            logger: configuration.logger
        ),
        loginThrottle: LoginThrottle(
            limit: configuration.rateLimits.failedLogins,
            window: TimeInterval(configuration.rateLimits.loginWindowSeconds),
            now: clock
        ),
        admission: AnswerAdmission(
            limit: configuration.concurrentAnswers(generator: knowledgeBase.capabilities().generator)
        ),
        anonymousUploads: RequestRateLimiter(
            limit: configuration.rateLimits.anonymousUploadsPerHour,
            window: 3600,
            now: clock
        )
    )
    let table = RouteTable()
    let router = Router(context: ChatRequestContext.self)
    // Middleware first: Hummingbird applies a router middleware only to routes added after it, and to the
    // not-found responder.
    router.add(
        middleware: ExchangeMiddleware(
            routes: table,
            logger: configuration.logger,
            sessionMaxAge: configuration.accounts.anonymousSessionLifetime
        )
    )
    router.add(
        middleware: RateLimitMiddleware(
            limiter: RequestRateLimiter(perMinute: configuration.rateLimits.requestsPerMinute, now: clock)
        )
    )
    let routes = RouteRegistrar(router: router, table: table)
    MetaController(services: services).register(routes)
    AuthController(services: services).register(routes)
    DocumentsController(services: services).register(routes)
    QueryController(services: services).register(routes)
    SearchController(services: services).register(routes)
    ConversationsController(services: services).register(routes)
    MemoryController(services: services).register(routes)
    AdminController(services: services).register(routes)
    CompareController(services: services).register(routes)
    return (router, table)
}
