import Foundation
import Testing

@testable import ChatClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct TransportFailureTests {
    /// libcurl result codes (curl.h); the test target does not import the C module.
    enum Code {
        static let couldntConnect: UInt32 = 7
        static let couldntResolveHost: UInt32 = 6
        static let couldntResolveProxy: UInt32 = 5
        static let receiveError: UInt32 = 56
        static let timedOut: UInt32 = 28
        static let peerFailedVerification: UInt32 = 60
        static let caCertBadFile: UInt32 = 77
        static let gotNothing: UInt32 = 52
        static let tooManyRedirects: UInt32 = 47
    }

    static func failure(
        _ code: UInt32,
        url: String = "https://docs.example.com/api/v1/query/stream",
        configure: (inout TransportFailure) -> Void = { _ in }
    ) -> String {
        var failure = TransportFailure(code: code, url: URL(string: url) ?? URL(fileURLWithPath: "/invalid"))
        configure(&failure)
        return failure.message
    }

    @Test func connectionRefusedOnLoopbackSuggestsServe() {
        let message = Self.failure(Code.couldntConnect, url: "http://127.0.0.1:8000/api/v1/health") {
            $0.osErrno = ECONNREFUSED
        }
        #expect(message == "Cannot connect to 127.0.0.1:8000: connection refused. Is `chatshell serve` running?")
    }

    @Test func connectionRefusedElsewhereSuggestsAddress() {
        let message = Self.failure(Code.couldntConnect, url: "https://docs.example.com/api/v1/health") {
            $0.osErrno = ECONNREFUSED
        }
        #expect(
            message
                == "Cannot connect to docs.example.com:443: connection refused. "
                + "Is the server running, and are the address and port right?"
        )
    }

    @Test func dnsFailureNamesTheHost() {
        #expect(
            Self.failure(Code.couldntResolveHost)
                == "Cannot resolve host docs.example.com: DNS lookup failed. Check the server address and your network."
        )
    }

    @Test func proxyDNSFailureNamesTheVariable() {
        let message = Self.failure(Code.couldntResolveProxy) {
            $0.proxy = ProxyRoute(url: "http://user:secret@proxy.corp:3128", variable: "HTTPS_PROXY")
        }
        // The proxy's credentials never appear.
        #expect(
            message
                == "Cannot resolve the proxy host of HTTPS_PROXY (proxy.corp:3128): DNS lookup failed. "
                + "Check HTTPS_PROXY, or add docs.example.com to NO_PROXY to bypass it."
        )
    }

    @Test func proxyAuthenticationRequired() {
        let message = Self.failure(Code.receiveError) {
            $0.proxy = ProxyRoute(url: "proxy.corp:3128", variable: "https_proxy")
            $0.proxyConnectStatus = 407
        }
        #expect(
            message
                == "Proxy proxy.corp:3128 (from https_proxy) requires authentication (HTTP 407). "
                + "Put the user and password in https_proxy (http://USER:PASSWORD@HOST:PORT)."
        )
    }

    @Test func proxyConnectTimeout() {
        let message = Self.failure(Code.timedOut) {
            $0.proxy = ProxyRoute(url: "http://proxy.corp", variable: "ALL_PROXY")
        }
        #expect(
            message
                == "Proxy proxy.corp:1080 (from ALL_PROXY) did not answer within 10 s. "
                + "Check ALL_PROXY or unset it, or add docs.example.com to NO_PROXY to bypass it."
        )
    }

    @Test func selfSignedCertificateInChain() {
        let message = Self.failure(Code.peerFailedVerification) {
            $0.certificateVerifyResult = 19
            $0.detail = "SSL certificate problem: self signed certificate in certificate chain"
        }
        #expect(
            message
                == "TLS: the certificate of docs.example.com is not trusted (self-signed certificate in chain). "
                + "Set CHATSHELL_CA_FILE to your organisation's CA bundle."
        )
    }

    @Test func selfSignedCertificate() {
        let message = Self.failure(Code.peerFailedVerification) { $0.certificateVerifyResult = 18 }
        #expect(
            message
                == "TLS: the certificate of docs.example.com is not trusted (self-signed certificate). "
                + "Set CHATSHELL_CA_FILE to your organisation's CA bundle."
        )
    }

    @Test func unknownIssuerWithACAFileNamesTheFile() {
        let message = Self.failure(Code.peerFailedVerification) {
            $0.certificateVerifyResult = 20
            $0.caFile = "/etc/corp/ca.pem"
        }
        #expect(
            message
                == "TLS: the certificate of docs.example.com is not trusted (issuer not found among trusted CAs). "
                + "The CA bundle '/etc/corp/ca.pem' does not vouch for it; set CHATSHELL_CA_FILE to your "
                + "organisation's CA bundle."
        )
    }

    @Test func expiredCertificate() {
        let message = Self.failure(Code.peerFailedVerification) {
            $0.certificateVerifyResult = 10
            $0.detail = "SSL certificate problem: certificate has expired"
        }
        #expect(
            message
                == "TLS: the certificate of docs.example.com has expired. "
                + "The server needs a renewed certificate; if it is current, check this computer's clock."
        )
    }

    @Test func hostnameMismatch() {
        let message = Self.failure(Code.peerFailedVerification) {
            $0.detail = "SSL: no alternative certificate subject name matches target host name 'docs.example.com'"
        }
        #expect(
            message
                == "TLS: the certificate of docs.example.com is for a different host name "
                + "(SSL: no alternative certificate subject name matches target host name 'docs.example.com'). "
                + "Connect with the name the certificate was issued for."
        )
    }

    @Test func unreadableCAFile() {
        let message = Self.failure(Code.caCertBadFile) {
            $0.caFile = "/missing/ca.pem"
            $0.detail = "error setting certificate file: /missing/ca.pem"
        }
        #expect(
            message
                == "TLS: cannot read the CA bundle '/missing/ca.pem' (error setting certificate file: /missing/ca.pem). "
                + "Point CHATSHELL_CA_FILE (or --ca-file) at a readable PEM file."
        )
    }

    @Test func connectTimeoutAndIdleTimeoutDiffer() {
        #expect(
            Self.failure(Code.timedOut)
                == "Cannot connect to docs.example.com:443: no answer within 10 s. "
                + "Check the address, your network and any firewall."
        )
        #expect(
            Self.failure(Code.timedOut) { $0.connected = true }
                == "docs.example.com:443 sent nothing for 60 s, so the request was abandoned. "
                + "The server may be overloaded; try again."
        )
    }

    @Test func emptyReplyAndIPv6Target() {
        #expect(
            Self.failure(Code.gotNothing, url: "http://[::1]:8000/api/v1/health")
                == "[::1]:8000 closed the connection without answering. "
                + "Check that it is a chatshell server and whether it expects http:// or https://."
        )
    }

    @Test func otherCodesKeepCurlsText() {
        #expect(
            Self.failure(Code.tooManyRedirects) { $0.detail = "Maximum (0) redirects followed" }
                == "The request to docs.example.com:443 failed: Maximum (0) redirects followed (curl error 47)."
        )
    }
}

@Suite struct ProxyRouteTests {
    static let remote = URL(string: "https://docs.example.com/api/v1") ?? URL(fileURLWithPath: "/")

    @Test func httpsUsesHTTPSProxyInEitherCase() {
        #expect(
            ProxyRoute.resolve(for: Self.remote, environment: ["HTTPS_PROXY": "http://p:3128"])
                == ProxyRoute(url: "http://p:3128", variable: "HTTPS_PROXY")
        )
        #expect(
            ProxyRoute.resolve(
                for: Self.remote,
                environment: ["https_proxy": "http://a:1", "HTTPS_PROXY": "http://b:2"]
            )
                == ProxyRoute(url: "http://a:1", variable: "https_proxy")
        )
    }

    @Test func httpUsesHTTPProxyThenAllProxy() {
        let plain = URL(string: "http://docs.example.com:8000")!
        #expect(ProxyRoute.resolve(for: plain, environment: ["HTTPS_PROXY": "http://p:1"]) == nil)
        #expect(ProxyRoute.resolve(for: plain, environment: ["HTTP_PROXY": "http://p:1"])?.variable == "HTTP_PROXY")
        #expect(ProxyRoute.resolve(for: plain, environment: ["ALL_PROXY": "socks5://p:1"])?.variable == "ALL_PROXY")
        #expect(ProxyRoute.resolve(for: plain, environment: ["HTTP_PROXY": "  "]) == nil)
    }

    @Test func noProxyExemptsDomainsAddressesAndRanges() {
        #expect(ProxyRoute.bypasses(host: "docs.example.com", noProxy: "example.com"))
        #expect(ProxyRoute.bypasses(host: "docs.example.com", noProxy: "foo, .example.com"))
        #expect(ProxyRoute.bypasses(host: "example.com", noProxy: "EXAMPLE.com"))
        #expect(!ProxyRoute.bypasses(host: "badexample.com", noProxy: "example.com"))
        #expect(ProxyRoute.bypasses(host: "anything", noProxy: "*"))
        #expect(ProxyRoute.bypasses(host: "10.1.2.3", noProxy: "10.0.0.0/8"))
        #expect(!ProxyRoute.bypasses(host: "11.1.2.3", noProxy: "10.0.0.0/8"))
        #expect(ProxyRoute.bypasses(host: "[fd00::1]", noProxy: "fd00::1"))
        #expect(
            ProxyRoute.resolve(for: Self.remote, environment: ["HTTPS_PROXY": "http://p:1", "NO_PROXY": "example.com"])
                == nil
        )
    }

    @Test func loopbackNeverUsesAProxy() {
        let environment = ["HTTP_PROXY": "http://p:1", "HTTPS_PROXY": "http://p:1"]
        for origin in ["http://127.0.0.1:8000", "http://localhost:8000", "https://[::1]:8443"] {
            #expect(ProxyRoute.resolve(for: URL(string: origin)!, environment: environment) == nil, "\(origin)")
        }
    }

    @Test func displayHidesCredentialsAndAddsDefaultPorts() {
        #expect(ProxyRoute(url: "http://u:pw@proxy.corp:3128", variable: "X").display == "proxy.corp:3128")
        #expect(ProxyRoute(url: "proxy.corp", variable: "X").display == "proxy.corp:1080")
        #expect(ProxyRoute(url: "https://proxy.corp", variable: "X").display == "proxy.corp:443")
    }
}
