import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `multipart/form-data` body (RFC 7578) made of in-memory pieces and at most a few files, sent by streaming the
/// segments in order so a 50 MiB upload never sits in memory.
struct MultipartBody: Sendable, Equatable {
    /// One contiguous run of body bytes.
    enum Segment: Sendable, Equatable {
        case bytes(Data)
        /// A file's whole content; `size` is taken when the body is built and sent as part of `Content-Length`.
        case file(path: String, size: Int64)
    }

    var boundary: String
    var segments: [Segment]

    /// The request's `Content-Type`.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The exact number of bytes the body sends.
    var length: Int64 {
        segments.reduce(0) { total, segment in
            switch segment {
            case .bytes(let data): total + Int64(data.count)
            case .file(_, let size): total + size
            }
        }
    }

    /// A fresh boundary: random, so no file content realistically contains it.
    static func randomBoundary() -> String {
        let hex = (0..<2).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }
        return "chatshell-" + hex.joined(separator: "")
    }

    /// The upload body of http-api.md section 5: an optional `title` part, then the `file` part.
    ///
    /// - Parameters:
    ///   - file: The local file; its last path component becomes the part's filename, byte for byte.
    ///   - fileSize: The file's size in bytes, as checked by the caller.
    ///   - title: The optional `title` part.
    ///   - boundary: The part boundary (tests pass a fixed one).
    /// - Returns: The body, streaming the file when sent.
    static func upload(file: URL, fileSize: Int64, title: String?, boundary: String = randomBoundary()) -> Self {
        var head = Data()
        if let title {
            head.append("--\(boundary)\r\n")
            head.append("Content-Disposition: form-data; name=\"title\"\r\n\r\n")
            head.append(title)
            head.append("\r\n")
        }
        let filename = file.lastPathComponent
        head.append("--\(boundary)\r\n")
        head.append("Content-Disposition: form-data; name=\"file\"; \(dispositionFilename(filename))\r\n")
        head.append("Content-Type: \(mediaType(forExtension: file.pathExtension))\r\n\r\n")
        var tail = Data()
        tail.append("\r\n--\(boundary)--\r\n")
        return MultipartBody(
            boundary: boundary,
            segments: [.bytes(head), .file(path: file.path, size: fileSize), .bytes(tail)]
        )
    }

    /// The `filename` parameter, plus RFC 5987 `filename*` when the plain form cannot carry the name exactly.
    ///
    /// The plain form holds the raw UTF-8 as browsers send it, with `"`, CR and LF percent-encoded as the HTML
    /// standard does; servers that read `filename*` (ours does, http-api.md section 5) get the exact bytes.
    static func dispositionFilename(_ name: String) -> String {
        var plain = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": plain += "%22"
            case "\r": plain += "%0D"
            case "\n": plain += "%0A"
            default: plain.unicodeScalars.append(scalar)
            }
        }
        let needsExtended = name.unicodeScalars.contains { !$0.isASCII || "\"\\\r\n%".unicodeScalars.contains($0) }
        guard needsExtended else { return "filename=\"\(plain)\"" }
        return "filename=\"\(plain)\"; filename*=UTF-8''\(URLPath.segment(name))"
    }

    /// The part's media type; the server decides by extension alone, so this is a courtesy to proxies and logs.
    static func mediaType(forExtension ext: String) -> String {
        switch ext.lowercased() {
        case "pdf": "application/pdf"
        case "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "html", "htm": "text/html; charset=utf-8"
        case "md", "markdown": "text/markdown; charset=utf-8"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    /// The whole body in memory: for tests and small bodies only.
    func materialized() throws -> Data {
        var out = Data()
        for segment in segments {
            switch segment {
            case .bytes(let data): out.append(data)
            case .file(let path, _): out.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
        }
        return out
    }
}

extension Data {
    fileprivate mutating func append(_ text: String) {
        append(contentsOf: Array(text.utf8))
    }
}

/// Feeds a `MultipartBody` to libcurl's read callback, segment by segment.
///
/// Lives on the transfer thread only. A file that changed size since the body was built fails the upload rather
/// than sending a body that disagrees with its `Content-Length`.
final class MultipartReader {
    private let segments: [MultipartBody.Segment]
    private var index = 0
    private var offset = 0
    private var descriptor: Int32 = -1
    private var fileRemaining: Int64 = 0
    /// Why reading failed, for the error message.
    private(set) var failure: String?

    init(_ body: MultipartBody) {
        segments = body.segments
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Copies up to `capacity` bytes into `buffer`; returns 0 at the end, `nil` on failure.
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) -> Int? {
        while index < segments.count {
            switch segments[index] {
            case .bytes(let data):
                let count = Swift.min(capacity, data.count - offset)
                if count > 0 {
                    data.withUnsafeBytes { raw in
                        guard let base = raw.baseAddress else { return }
                        buffer.copyMemory(from: base + offset, byteCount: count)
                    }
                    offset += count
                    return count
                }
                index += 1
                offset = 0
            case .file(let path, let size):
                if descriptor < 0 {
                    descriptor = open(path, O_RDONLY | O_CLOEXEC)
                    guard descriptor >= 0 else {
                        failure = "Cannot read '\(path)': \(String(cString: strerror(errno)))."
                        return nil
                    }
                    fileRemaining = size
                }
                if fileRemaining > 0 {
                    let wanted = Int(Swift.min(Int64(capacity), fileRemaining))
                    let got = posixRead(descriptor, buffer, wanted)
                    if got < 0 {
                        if errno == EINTR { continue }
                        failure = "Cannot read '\(path)': \(String(cString: strerror(errno)))."
                        return nil
                    }
                    if got == 0 {
                        failure = "'\(path)' became shorter while it was being uploaded."
                        return nil
                    }
                    fileRemaining -= Int64(got)
                    return got
                }
                close(descriptor)
                descriptor = -1
                index += 1
            }
        }
        return 0
    }
}

/// `read(2)`, named apart from the `read(into:capacity:)` method above it is called from.
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
