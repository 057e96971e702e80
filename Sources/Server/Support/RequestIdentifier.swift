import Engine

/// Request ids: the client's own when it is safe to echo, else a new `req_` id (http-api.md section 1).
enum RequestIdentifier {
    static func accepting(_ presented: String?) -> String {
        if let presented, isAcceptable(presented) { return presented }
        return IdGenerator.random(prefix: "req_", length: 16)
    }

    /// `^[A-Za-z0-9._:-]{1,128}$`.
    static func isAcceptable(_ text: String) -> Bool {
        let bytes = text.utf8
        return (1...128).contains(bytes.count)
            && bytes.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
                    UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }
}
