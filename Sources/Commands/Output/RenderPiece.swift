/// A piece of rendered output, tagged so the REPL styles it, transcripts tell answer text from client output,
/// and the bridge frames it.
public enum RenderPiece: Sendable, Hashable {
    /// Streamed answer text (tokens, `[n]` markers styled), appended as it arrives; ends with a newline.
    case answer(StyledText)
    /// Whole lines of client output (Sources, notices), without newlines.
    case lines([StyledText])
    /// An error line for stderr, without the `error:` prefix.
    case error(String)
    /// The backend's stage, for the spinner's label.
    case status(String)
}
