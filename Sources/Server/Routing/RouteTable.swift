import Synchronization

/// One route the server answers: method and path pattern with `{name}` captures.
public struct RouteDescriptor: Sendable, Hashable, Comparable {
    /// The HTTP method, upper-case.
    public var method: String
    /// The full path pattern, such as `/api/v1/documents/{id}`.
    public var path: String

    public static func < (lhs: RouteDescriptor, rhs: RouteDescriptor) -> Bool {
        (lhs.path, lhs.method) < (rhs.path, rhs.method)
    }
}

/// Every route as registered, for `405 method_not_allowed` with `Allow` and for checking `openapi.json`.
///
/// Hummingbird's router answers an unknown method on a known path like an unknown path; this table tells the
/// two apart with the same precedence as the router (a literal segment beats a capture).
final class RouteTable: Sendable {
    private let routes = Mutex<[RouteDescriptor]>([])

    func add(method: String, path: String) {
        routes.withLock { $0.append(RouteDescriptor(method: method, path: path)) }
    }

    var all: [RouteDescriptor] { routes.withLock { $0 }.sorted() }

    /// The methods the best-matching path pattern allows, or nil when no pattern matches `path`.
    func allowedMethods(for path: String) -> [String]? {
        let segments = Self.segments(path)
        let matching = routes.withLock { $0 }.filter { Self.matches(Self.segments($0.path), segments) }
        guard let best = matching.map({ Self.segments($0.path) }).max(by: Self.lessSpecific) else { return nil }
        let methods = matching.filter { Self.segments($0.path) == best }.map(\.method)
        return Array(Set(methods)).sorted()
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func isCapture(_ segment: Substring) -> Bool {
        segment.hasPrefix("{") && segment.hasSuffix("}")
    }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        pattern.count == path.count && zip(pattern, path).allSatisfy { isCapture($0) || $0 == $1 }
    }

    /// Compares patterns as the trie resolves them: the first segment where one is literal and the other a
    /// capture decides.
    private static func lessSpecific(_ lhs: [Substring], _ rhs: [Substring]) -> Bool {
        for (left, right) in zip(lhs, rhs) where isCapture(left) != isCapture(right) {
            return isCapture(left)
        }
        return false
    }
}
