import ChatAPI

extension JSONValue {
    /// The elements, if this is an array.
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The value, if this is a boolean.
    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number, if this is one.
    var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// A member of an object, or nil.
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}
