import ChatAPI

extension Source {
    /// A retrieved passage as source `n`: the page only for PDFs, the score to three decimals.
    init(_ hit: ChunkHit, n: Int) {
        self.init(
            n: n,
            id: hit.chunkId,
            kind: .document,
            documentId: hit.documentId,
            chunkId: hit.chunkId,
            filename: hit.filename,
            title: hit.documentTitle,
            page: hit.documentType == "pdf" ? hit.pageStart : nil,
            snippet: Source.snippet(of: hit.text),
            text: hit.text,
            score: (hit.score * 1000).rounded() / 1000,
            charStart: hit.charStart,
            charEnd: hit.charEnd,
            heading: hit.heading
        )
    }

    /// A memory that takes part in an answer as source `n`.
    init(_ memory: Memory, n: Int) {
        self.init(
            n: n,
            id: memory.id,
            kind: memory.scope == .shared ? .sharedMemory : .personalMemory,
            title: memory.scope == .shared ? "Shared memory" : "Personal memory",
            snippet: Source.snippet(of: memory.content),
            text: memory.content,
            score: 0
        )
    }
}
