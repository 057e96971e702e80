import ChatAPI
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// Who may call a route (http-api.md section 1, "Access").
enum Access: Equatable {
    /// Anyone; a caller without identity gets an anonymous session.
    case anyone
    /// An account (user or admin).
    case account
    /// An admin account, for the action named (`Listing users`): a user is refused with the engine's own words,
    /// "Listing users requires the admin role.", so embedded and remote clients show the same message.
    case admin(String)
}

/// The identity a request resolved to.
struct Caller: Sendable {
    var principal: Principal
    /// The login family of a bearer caller.
    var familyId: String?
}

/// Resolves identity in the contract's precedence: bearer token, then `X-Anon-Session-Id`, then the
/// `session_id` cookie (http-api.md section 1, "Identity").
///
/// A bearer token that is present but bad always fails with 401; it never falls back to anonymous access.
struct CallerResolver: Sendable {
    let accounts: Accounts

    func resolve(_ request: Request, context: ChatRequestContext, access: Access) async throws -> Caller {
        if let token = try Self.bearerToken(request) {
            let grant = try await accounts.grant(accessToken: token)
            if case .admin(let action) = access, !grant.principal.isAdmin {
                throw EngineError.forbidden("\(action) requires the admin role.")
            }
            return Caller(principal: grant.principal, familyId: grant.familyId)
        }
        guard access == .anyone else { throw EngineError.authRequired }
        let session = try accounts.anonymousSession(presented: Self.presentedAnonymousId(request))
        context.exchange.anonymousSession = session
        return Caller(principal: session.principal, familyId: nil)
    }

    /// The bearer token, nil without an `Authorization` header.
    ///
    /// - Throws: `invalid_token` for another scheme or an empty token.
    static func bearerToken(_ request: Request) throws -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw EngineError.invalidToken }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw EngineError.invalidToken }
        return token
    }

    /// The anonymous session id the request presents: the header wins over the cookie.
    static func presentedAnonymousId(_ request: Request) -> String? {
        if let header = request.headers[.anonSessionId]?.trimmingCharacters(in: .whitespaces), !header.isEmpty {
            return header
        }
        if let cookie = request.cookies["session_id"]?.value, !cookie.isEmpty { return cookie }
        return nil
    }
}
