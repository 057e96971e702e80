/// Counted nouns in messages: `1 turn`, `2 turns`, `1 memory`, `3 memories`.
public enum Plural {
    /// `value` and the noun, singular for exactly one.
    ///
    /// - Parameters:
    ///   - value: the count.
    ///   - noun: the singular form.
    ///   - plural: the plural form; nil appends `s`.
    /// - Returns: such as `1 turn` or `2 memories`.
    public static func count(_ value: Int, _ noun: String, plural: String? = nil) -> String {
        "\(value) \(value == 1 ? noun : plural ?? noun + "s")"
    }
}
