import ChatAPI
import Commands
import Engine

extension Console {
    /// Waits until background embedding has given every stored chunk its vector, then says how many there are.
    ///
    /// One-shot commands on the local store (`ingest`, `eval`) call this: vectors are made after the words are
    /// indexed, so a process that exits at once would leave none made and rank by words alone.
    /// - Parameters:
    ///   - knowledgeBase: the local engine; nothing happens when its embeddings are off.
    ///   - quiet: wait, but print nothing (for `--json` output).
    func awaitEmbedding(of knowledgeBase: KnowledgeBase, quiet: Bool) async {
        await knowledgeBase.waitUntilEmbedded()
        guard !quiet, let progress = await knowledgeBase.embeddingProgress() else { return }
        notice(
            "Embedded \(Plural.count(progress.embedded, "passage")) with \(progress.model)"
                + (progress.problem.map { " (paused: \($0))" } ?? "") + "."
        )
    }
}
