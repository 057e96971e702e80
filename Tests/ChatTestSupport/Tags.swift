public import Testing

extension Tag {
    /// Needs a real language model at `CHATSHELL_LLM_URL`; skipped when it is not set.
    @Tag public static var llm: Tag
}
