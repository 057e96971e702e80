import CCurl
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything known about a failed transfer, turned into one sentence that names the layer (DNS, TCP, proxy, TLS,
/// HTTP), the host and the fix (repl.md section 4).
///
/// A plain value, filled from `curl_easy_getinfo` after the transfer, so every message can be tested without a
/// network.
struct TransportFailure: Sendable, Equatable {
    /// libcurl's result (`CURLcode`'s raw value, so tests need not import the C module).
    var code: UInt32
    /// The request URL.
    var url: URL
    /// The proxy the request went through, if any.
    var proxy: ProxyRoute?
    /// libcurl's error buffer (`CURLOPT_ERRORBUFFER`), often more precise than the code.
    var detail: String = ""
    /// `errno` of the failed socket call (`CURLINFO_OS_ERRNO`).
    var osErrno: Int32 = 0
    /// The X.509 verification result (`CURLINFO_SSL_VERIFYRESULT`, OpenSSL's `X509_V_ERR_*`).
    var certificateVerifyResult: Int = 0
    /// The proxy's answer to `CONNECT` (`CURLINFO_HTTP_CONNECTCODE`), 0 if none.
    var proxyConnectStatus: Int = 0
    /// Whether the TCP connection (to server or proxy) was established.
    var connected = false
    /// Whether the response head had arrived.
    var responseStarted = false
    /// The CA bundle in use, if not the system's.
    var caFile: String?
    /// The limits that applied, for timeout messages.
    var connectTimeout: Duration = .seconds(10)
    var idleTimeout: Duration = .seconds(60)
    /// Why the upload body could not be read, set by the read callback.
    var uploadFailure: String?

    /// The error callers see.
    var error: BackendError { .transport(message) }

    /// `host:port` of the server, with brackets around IPv6 addresses.
    var target: String {
        let host = url.host ?? url.absoluteString
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(shownHost):\(port)"
    }

    /// The host alone, as certificates name it.
    var host: String { url.host ?? url.absoluteString }

    private var isLoopback: Bool { ProxyRoute.isLoopback(host) }

    /// What to try when a server cannot be reached.
    private var serverHint: String {
        isLoopback ? "Is `chatshell serve` running?" : "Is the server running, and are the address and port right?"
    }

    private var detailSuffix: String {
        let trimmed = detail.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "" : " (\(trimmed))"
    }

    var message: String {
        if let proxy, let proxyMessage = proxyMessage(proxy) { return proxyMessage }
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL.rawValue, CURLE_URL_MALFORMAT.rawValue:
            return "Invalid server address '\(url.absoluteString)'. Use a URL like http://127.0.0.1:8000."
        case CURLE_COULDNT_RESOLVE_HOST.rawValue:
            return "Cannot resolve host \(host): DNS lookup failed. Check the server address and your network."
        case CURLE_COULDNT_CONNECT.rawValue:
            return "Cannot connect to \(target): \(connectReason). \(serverHint)"
        case CURLE_OPERATION_TIMEDOUT.rawValue:
            if !connected {
                return "Cannot connect to \(target): no answer within \(connectTimeout.wholeSecondsRoundedUp) s. "
                    + "Check the address, your network and any firewall."
            }
            return "\(target) sent nothing for \(idleTimeout.wholeSecondsRoundedUp) s, so the request was abandoned. "
                + "The server may be overloaded; try again."
        case CURLE_PEER_FAILED_VERIFICATION.rawValue:
            return certificateMessage
        case CURLE_SSL_CACERT_BADFILE.rawValue:
            return "TLS: cannot read the CA bundle '\(caFile ?? "")'\(detailSuffix). "
                + "Point CHATSHELL_CA_FILE (or --ca-file) at a readable PEM file."
        case CURLE_SSL_CONNECT_ERROR.rawValue:
            if detail.lowercased().contains("wrong version number") {
                return "TLS: \(target) does not speak HTTPS (handshake failed\(detailSuffix)). "
                    + "If it is a plain HTTP server, use an http:// address."
            }
            return "TLS: the handshake with \(target) failed\(detailSuffix). "
                + "Check that the address is an HTTPS server and that the system's TLS setup is current."
        case CURLE_GOT_NOTHING.rawValue:
            return "\(target) closed the connection without answering. "
                + "Check that it is a chatshell server and whether it expects http:// or https://."
        case CURLE_PARTIAL_FILE.rawValue, CURLE_RECV_ERROR.rawValue:
            if responseStarted {
                return "The connection to \(target) broke in the middle of the response\(detailSuffix). Try again."
            }
            return "The connection to \(target) broke before the response arrived\(detailSuffix). \(serverHint)"
        case CURLE_SEND_ERROR.rawValue:
            return "The connection to \(target) broke while sending the request\(detailSuffix). Try again."
        case CURLE_READ_ERROR.rawValue:
            return uploadFailure ?? "Cannot read the file being uploaded\(detailSuffix)."
        case CURLE_ABORTED_BY_CALLBACK.rawValue where uploadFailure != nil:
            return uploadFailure ?? ""
        default:
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(CURLcode(rawValue: code))) : detail
            return "The request to \(target) failed: \(text) (curl error \(code))."
        }
    }

    private var connectReason: String {
        switch osErrno {
        case ECONNREFUSED: "connection refused"
        case ETIMEDOUT: "the connection timed out"
        case ENETUNREACH: "network unreachable"
        case EHOSTUNREACH: "host unreachable"
        case ECONNRESET: "connection reset"
        default:
            detail.isEmpty ? "connection failed" : "connection failed (\(detail))"
        }
    }

    /// Failures that happened at the proxy, or `nil` when the proxy was not the failing layer.
    private func proxyMessage(_ proxy: ProxyRoute) -> String? {
        let name = "Proxy \(proxy.display) (from \(proxy.variable))"
        let bypass = "or add \(host) to NO_PROXY to bypass it"
        switch code {
        case CURLE_COULDNT_RESOLVE_PROXY.rawValue:
            return "Cannot resolve the proxy host of \(proxy.variable) (\(proxy.display)): DNS lookup failed. "
                + "Check \(proxy.variable), \(bypass)."
        case CURLE_COULDNT_CONNECT.rawValue:
            let reason = osErrno == ECONNREFUSED ? "refused the connection" : "cannot be reached: \(connectReason)"
            return "\(name) \(reason). Check \(proxy.variable) or unset it, \(bypass)."
        case CURLE_OPERATION_TIMEDOUT.rawValue where !connected:
            return "\(name) did not answer within \(connectTimeout.wholeSecondsRoundedUp) s. "
                + "Check \(proxy.variable) or unset it, \(bypass)."
        default:
            break
        }
        if proxyConnectStatus == 407 {
            return "\(name) requires authentication (HTTP 407). "
                + "Put the user and password in \(proxy.variable) (http://USER:PASSWORD@HOST:PORT)."
        }
        if proxyConnectStatus >= 300 || (code == CURLE_RECV_ERROR.rawValue && detail.contains("CONNECT")) {
            let status = proxyConnectStatus > 0 ? "HTTP \(proxyConnectStatus)" : detail
            return "\(name) refused the tunnel to \(target) (\(status)). "
                + "Check that the proxy allows this host, \(bypass)."
        }
        return nil
    }

    /// A certificate that failed verification, by cause: trust, validity dates or host name.
    private var certificateMessage: String {
        let lowered = detail.lowercased()
        let caHint: String
        if let caFile {
            caHint =
                "The CA bundle '\(caFile)' does not vouch for it; set CHATSHELL_CA_FILE to your organisation's "
                + "CA bundle."
        } else {
            caHint = "Set CHATSHELL_CA_FILE to your organisation's CA bundle."
        }
        if lowered.contains("does not match target host") || lowered.contains("no alternative certificate subject")
            || certificateVerifyResult == 62
        {
            return "TLS: the certificate of \(host) is for a different host name\(detailSuffix). "
                + "Connect with the name the certificate was issued for."
        }
        switch certificateVerifyResult {
        case 10:
            return "TLS: the certificate of \(host) has expired. "
                + "The server needs a renewed certificate; if it is current, check this computer's clock."
        case 9:
            return "TLS: the certificate of \(host) is not valid yet. Check this computer's clock."
        case 18:
            return "TLS: the certificate of \(host) is not trusted (self-signed certificate). \(caHint)"
        case 19:
            return "TLS: the certificate of \(host) is not trusted (self-signed certificate in chain). \(caHint)"
        case 2, 20:
            return "TLS: the certificate of \(host) is not trusted (issuer not found among trusted CAs). \(caHint)"
        case 21:
            return "TLS: the certificate of \(host) is not trusted (cannot verify the first certificate). \(caHint)"
        default:
            if lowered.contains("expired") {
                return "TLS: the certificate of \(host) has expired. "
                    + "The server needs a renewed certificate; if it is current, check this computer's clock."
            }
            return "TLS: the certificate of \(host) is not trusted\(detailSuffix). \(caHint)"
        }
    }
}
