import ChatAPI

/// The members of one JSON object after its leading ones, as `,"key":value` pairs.
struct JSONFields {
    private(set) var text = ""

    init() {}

    mutating func add(_ key: String, _ value: String?) {
        text += ",\"" + key + "\":" + (value.map(JSONText.string) ?? "null")
    }

    mutating func add(_ key: String, int value: Int?) {
        text += ",\"" + key + "\":" + (value.map { String($0) } ?? "null")
    }

    mutating func add(_ key: String, bool value: Bool) {
        text += ",\"" + key + "\":" + (value ? "true" : "false")
    }

    mutating func add(_ key: String, number value: Double) {
        text += ",\"" + key + "\":" + JSONText.number(value)
    }

    mutating func add(_ key: String, json value: JSONValue?) {
        text += ",\"" + key + "\":" + (value.map(JSONText.value) ?? "null")
    }

    /// A member whose value is already JSON text.
    mutating func add(_ key: String, raw value: String) {
        text += ",\"" + key + "\":" + value
    }

    /// The members as a complete object.
    var object: String { "{" + text.dropFirst() + "}" }
}
