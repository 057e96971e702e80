import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The proxy a request goes through, and the variable it came from, so failures can name both.
///
/// libcurl would read the same variables itself, but then an error could not say which proxy failed or where it
/// was configured. So the choice is made here, from the same variables and with curl's precedence, and handed to
/// libcurl explicitly (`CURLOPT_PROXY`); the two can never disagree. Uppercase `HTTP_PROXY` is honoured too (curl
/// ignores it for CGI reasons that do not apply to a terminal client).
struct ProxyRoute: Sendable, Equatable {
    /// The proxy URL as configured (credentials included; never shown).
    var url: String
    /// The environment variable it came from (`HTTPS_PROXY`).
    var variable: String

    /// `host:port` of the proxy, without credentials, for messages.
    var display: String {
        let withScheme = url.contains("://") ? url : "http://" + url
        guard let parsed = URLComponents(string: withScheme), let host = parsed.host, !host.isEmpty else {
            return "(unparsable proxy URL)"
        }
        // libcurl's default proxy port is 1080 for every proxy type except HTTPS proxies.
        let port = parsed.port ?? (parsed.scheme?.lowercased() == "https" ? 443 : 1080)
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(shownHost):\(port)"
    }

    /// The proxy for a request to `url`, or `nil` to connect directly.
    ///
    /// Loopback hosts always connect directly, as Go and most HTTP clients do: a local `chatshell serve` is never
    /// behind a corporate proxy.
    static func resolve(for url: URL, environment: [String: String]) -> ProxyRoute? {
        guard let host = url.host?.lowercased(), !host.isEmpty else { return nil }
        if isLoopback(host) { return nil }
        let scheme = url.scheme?.lowercased() ?? "http"
        let names =
            (scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"])
            + ["all_proxy", "ALL_PROXY"]
        guard
            let variable = names.first(where: { !(environment[$0] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
            ),
            let value = environment[variable]?.trimmingCharacters(in: .whitespaces)
        else { return nil }
        let noProxy = environment["no_proxy"] ?? environment["NO_PROXY"] ?? ""
        if bypasses(host: host, noProxy: noProxy) { return nil }
        return ProxyRoute(url: value, variable: variable)
    }

    /// Whether `NO_PROXY` exempts `host`: `*`, a domain and its subdomains (a leading dot optional), an exact
    /// address, or an IPv4 CIDR range, as libcurl 7.86 and later read it.
    static func bypasses(host: String, noProxy: String) -> Bool {
        let bareHost = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        for rawEntry in noProxy.split(separator: ",") {
            var entry = rawEntry.trimmingCharacters(in: .whitespaces).lowercased()
            if entry.isEmpty { continue }
            if entry == "*" { return true }
            if entry.hasPrefix(".") { entry.removeFirst() }
            entry = entry.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            if let slash = entry.firstIndex(of: "/") {
                if matchesCIDR(
                    host: bareHost,
                    network: String(entry[..<slash]),
                    bits: Int(entry[entry.index(after: slash)...])
                ) {
                    return true
                }
                continue
            }
            if bareHost == entry || bareHost.hasSuffix("." + entry) { return true }
        }
        return false
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare.hasSuffix(".localhost") || bare == "::1" || bare.hasPrefix("127.")
    }

    private static func matchesCIDR(host: String, network: String, bits: Int?) -> Bool {
        guard let bits, (0...32).contains(bits), let hostAddress = ipv4(host), let networkAddress = ipv4(network)
        else { return false }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
        return hostAddress & mask == networkAddress & mask
    }

    private static func ipv4(_ text: String) -> UInt32? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return UInt32(bigEndian: address.s_addr)
    }
}
