import ChatAPI
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// Receives `POST /documents/upload` and `POST /admin/documents/upload`: checks 1-3 of http-api.md section 5 here,
/// while the body streams, and checks 4-10 in the engine.
///
/// The file part is counted as it arrives, so an oversized upload is refused (413) without reading the rest, and
/// nothing is stored for a rejected request.
struct UploadReceiver {
    let services: Services

    /// Parts other than `file` and `title` (unknown fields, ignored) may hold this much in total.
    static let maxOtherPartBytes = 64 * 1024
    /// The most bytes a `title` of `UploadValidator.maxTitleCharacters` scalars can take in UTF-8, plus room for
    /// whitespace the engine trims; a longer part is refused without reading it whole.
    static let maxTitleBytes = UploadValidator.maxTitleCharacters * 4 + 1024
    /// Room for the multipart framing and a title above the file limit in `Content-Length`.
    static let framingAllowance = 1_048_576

    func receive(_ request: Request, _ context: ChatRequestContext, shared: Bool) async throws -> Response {
        let caller = try await services.caller(
            request,
            context,
            shared ? .admin("Uploading shared documents") : .anyone
        )
        if caller.principal.role == .anonymous,
            let seconds = services.anonymousUploads.acquire("ip:" + context.clientAddress)
        {
            throw APIError.anonymousUploadsExhausted(limit: services.anonymousUploads.limit, retryAfter: seconds)
        }
        let max = services.maxUploadBytes
        // Check 1.
        guard RequestBodies.mediaType(request) == "multipart/form-data" else {
            throw APIError.unsupportedContentType(expected: "multipart/form-data")
        }
        guard let contentType = request.headers[.contentType],
            let boundary = RequestBodies.parameter("boundary", of: contentType),
            var parser = MultipartFormParser(boundary: boundary)
        else { throw APIError.invalidRequest("The multipart body has no valid boundary.") }
        // Check 2, before reading.
        if let length = RequestBodies.contentLength(request), length > max + Self.framingAllowance {
            throw APIError.fileTooLarge(max: max)
        }

        enum Part {
            case file
            case title
            case ignored
        }
        var current = Part.ignored
        var file = Data()
        var sawFile = false
        var filename: String?
        var title: [UInt8] = []
        var otherBytes = 0
        do {
            for try await buffer in request.body {
                for event in try parser.feed(buffer.readableBytesView) {
                    switch event {
                    case .begin(let head):
                        if head.name == "file" && !sawFile {
                            current = .file
                            sawFile = true
                            filename = head.filename
                        } else if head.name == "title" {
                            current = .title
                            title = []
                        } else {
                            current = .ignored
                        }
                    case .data(let bytes):
                        switch current {
                        case .file:
                            // Check 2, while streaming: stop reading as soon as the file is over the limit.
                            guard file.count + bytes.count <= max else { throw APIError.fileTooLarge(max: max) }
                            file.append(contentsOf: bytes)
                        case .title:
                            guard title.count + bytes.count <= Self.maxTitleBytes else {
                                throw APIError(EngineError.validation([UploadValidator.titleTooLong(characters: nil)]))
                            }
                            title += bytes
                        case .ignored:
                            otherBytes += bytes.count
                            guard otherBytes <= Self.maxOtherPartBytes else {
                                throw APIError(
                                    status: 413,
                                    code: .payloadTooLarge,
                                    message: "Form fields other than file and title are over the "
                                        + "\(Self.maxOtherPartBytes)-byte limit; send only file and title.",
                                    details: ["max_bytes": .number(Double(Self.maxOtherPartBytes))]
                                )
                            }
                        }
                    case .end:
                        current = .ignored
                    }
                }
                if parser.isFinished { break }
            }
        } catch let error as MultipartFormParser.Malformed {
            throw APIError.invalidRequest("The multipart body is malformed: \(error.reason).")
        }
        guard parser.isFinished else {
            throw APIError.invalidRequest("The multipart body ends before its closing boundary.")
        }
        // Check 3.
        guard sawFile else { throw APIError.validation("file", "is required (a part named file)") }
        guard let filename, !filename.isEmpty else { throw APIError.validation("file", "needs a filename") }
        let titleText = title.isEmpty ? nil : String(decoding: title, as: UTF8.self)
        // Checks 4-10.
        let (response, created) = try await services.knowledgeBase.upload(
            filename: filename,
            data: file,
            title: titleText,
            shared: shared,
            as: caller.principal
        )
        guard created else { return JSONResponse.make(response) }
        var headers = HTTPFields()
        headers[.location] = response.statusUrl
        return JSONResponse.make(response, status: .accepted, headers: headers)
    }
}
