/// The constants of retrieval and extractive answering, in one place (architecture.md section 6).
///
/// Change them only together with a `chatshell eval` run over the Northwind questions.
public struct RetrievalTuning: Sendable {
    /// Column weights of `bm25(chunk_fts, title, headingPath, text)`.
    public var titleWeight = 4.0
    public var headingWeight = 2.0
    public var bodyWeight = 1.0
    /// Candidates fetched from FTS5 before per-document capping.
    public var candidates = 50
    /// At most this many chunks of one document among the sources.
    public var maxChunksPerDocument = 3
    /// Default number of document chunks returned.
    public var defaultTopK = 5
    /// Weight of the previous question's score in a follow-up.
    public var previousQuestionWeight = 0.35
    /// Weight of the question's translations (`BilingualGlossary`) in the document query.
    public var translationWeight = 0.4
    /// Weight of matching memories' terms in the document query.
    public var memoryTermsWeight = 0.5
    /// Added to chunks of documents the previous answer cited, relative to the best score.
    public var citedDocumentBoost = 0.3
    /// Chunks taken from the vector index, nearest first, before fusion: as many as the lexical candidates, so
    /// neither list can crowd the other out by length alone.
    public var semanticCandidates = 50
    /// The rank offset `k` of reciprocal rank fusion, `weight / (k + rank)`: 60 is the value its authors found
    /// robust across collections; smaller values let the first few ranks of one list dominate.
    public var fusionRankOffset = 60.0
    /// How much a chunk's rank by words counts in the fusion.
    public var lexicalFusionWeight = 1.0
    /// How much a chunk's rank by embedding similarity counts in the fusion: half a rank by words, the best of
    /// 1, 0.5 and 0.3 on both corpora's dev halves (equal weights let semantically close neighbours displace a
    /// passage the words single out; docs/embeddings.md, "Fusion").
    public var semanticFusionWeight = 0.5
    /// Answering by meaning reads the sentences of the sources whose chunk is within this cosine of the closest
    /// one: multilingual-e5-small ranks a passage in another language a little below one in the question's
    /// language on the same topic, so the closest alone would miss it.
    public var meaningPassageMargin: Float = 0.02
    /// At most this many passages are read sentence by sentence when answering by meaning (each sentence not seen
    /// before is embedded while the question waits).
    public var meaningPassages = 3
    /// Below this share of the question's weighted terms, not even a sentence that meaning and words agree on is
    /// quoted: the lowest share at which the dev halves' answers by meaning were right while no unanswerable dev
    /// question was answered (scripts/eval-corpora.sh with embeddings on; docs/embeddings.md).
    public var meaningMinimumCoverage = 0.25
    /// At most this many memories become sources.
    public var maxMemories = 3
    /// Below this share of the question's weighted terms, the extractive answerer abstains.
    public var minimumCoverage = 0.55
    /// At most this many sentences in an extractive answer.
    public var maxAnswerSentences = 3

    public init() {}
}
