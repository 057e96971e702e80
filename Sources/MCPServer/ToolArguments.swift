import MCP

/// A tool call's arguments, read with the checks and messages of `ToolError`.
struct ToolArguments {
    let tool: String
    let values: [String: Value]

    /// - Throws: `ToolError.unknownArguments` for names the tool's schema does not list.
    init(tool: String, values: [String: Value]?) throws {
        self.tool = tool
        self.values = values ?? [:]
        let known = ToolCatalog.argumentNames(of: tool) ?? []
        let unknown = self.values.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty { throw ToolError.unknownArguments(tool: tool, names: unknown, known: known) }
    }

    /// A required, non-blank string.
    func string(_ name: String) throws -> String {
        guard let value = try optionalString(name) else {
            throw ToolError.missingArgument(tool: tool, name: name, expected: "a string")
        }
        return value
    }

    /// An optional string; null counts as absent, a blank string is refused.
    func optionalString(_ name: String) throws -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard !text.allSatisfy(\.isWhitespace) else {
                throw ToolError.invalidArgument(tool: tool, name: name, problem: "must not be empty")
            }
            return text
        case let other?:
            throw ToolError.invalidArgument(tool: tool, name: name, problem: "must be a string, not \(kind(other))")
        }
    }

    /// An optional whole number (a JSON number without fraction).
    func optionalInteger(_ name: String) throws -> Int? {
        switch values[name] {
        case nil, .null?: return nil
        case .int(let number)?: return number
        case .double(let number)? where number.rounded() == number && abs(number) < 1e9: return Int(number)
        case let other?:
            throw ToolError.invalidArgument(
                tool: tool,
                name: name,
                problem: "must be a whole number, not \(kind(other))"
            )
        }
    }

    /// An optional list of strings.
    func optionalStrings(_ name: String) throws -> [String]? {
        switch values[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.enumerated().map { index, item in
                guard case .string(let text) = item else {
                    throw ToolError.invalidArgument(
                        tool: tool,
                        name: name,
                        problem: "must list strings; item \(index + 1) is \(kind(item))"
                    )
                }
                return text
            }
        case let other?:
            throw ToolError.invalidArgument(
                tool: tool,
                name: name,
                problem: "must be an array of strings, not \(kind(other))"
            )
        }
    }

    private func kind(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .data: "binary data"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
