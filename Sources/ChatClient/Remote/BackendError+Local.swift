import ChatAPI

extension BackendError {
    /// A problem found on this side before any request reached the server (a bad address, an unsafe credentials
    /// file, an unreadable upload): a client-side error, so `bad_request` with status 400, as `BackendError.body`
    /// presents client-side errors.
    static func local(_ message: String, details: [String: JSONValue] = [:]) -> BackendError {
        .api(ErrorBody.Detail(code: .badRequest, message: message, status: 400, details: details))
    }
}
