import MCP

/// The tools `chatshell mcp` offers, with the JSON schemas of their arguments and structured results.
///
/// The result schemas describe the types of `ToolOutput`; the two change together.
enum ToolCatalog {
    static let ask = "ask"
    static let searchDocuments = "search_documents"
    static let listDocuments = "list_documents"
    static let getPassage = "get_passage"
    static let uploadDocument = "upload_document"
    static let remember = "remember"

    /// Every tool, in the order `tools/list` shows them.
    static let tools: [Tool] = [
        Tool(
            name: ask,
            title: "Ask my documents",
            description: """
                Answer a question from the user's documents. The answer cites its evidence with [n] markers that \
                refer to the numbered sources returned with it (document, page or section, passage). Pass \
                conversation_id from an earlier answer to ask a follow-up; pass document_ids to search only those \
                documents. An answer of "I could not find this in the available documents." (finish_reason \
                no_context) means the documents do not say.
                """,
            inputSchema: object(
                [
                    "question": ["type": "string", "minLength": 1, "maxLength": 4000, "description": "The question."],
                    "conversation_id": [
                        "type": "string",
                        "description": "The conversation_id of an earlier answer, for a follow-up question.",
                    ],
                    "document_ids": documentIds,
                ],
                required: ["question"]
            ),
            annotations: .init(
                readOnlyHint: false,
                destructiveHint: false,
                idempotentHint: false,
                openWorldHint: false
            ),
            outputSchema: object(
                [
                    "answer": ["type": "string", "description": "The answer text with [n] citation markers."],
                    "finish_reason": ["type": "string", "enum": ["stop", "length", "no_context", "cancelled"]],
                    "conversation_id": ["type": "string"],
                    "sources": ["type": "array", "items": passage],
                ],
                required: ["answer", "finish_reason", "sources"]
            )
        ),
        Tool(
            name: searchDocuments,
            title: "Search my documents",
            description: """
                Find the passages of the user's documents that best match a query, best first, with document, page \
                or section and score. Nothing is answered or stored; use it to read the evidence yourself.
                """,
            inputSchema: object(
                [
                    "query": ["type": "string", "minLength": 1, "maxLength": 4000, "description": "What to look for."],
                    "top_k": [
                        "type": "integer", "minimum": 1, "maximum": 20, "default": 5,
                        "description": "How many passages to return.",
                    ],
                    "document_ids": documentIds,
                ],
                required: ["query"]
            ),
            annotations: .init(readOnlyHint: true, openWorldHint: false),
            outputSchema: object(
                ["query": ["type": "string"], "results": ["type": "array", "items": passage]],
                required: ["query", "results"]
            )
        ),
        Tool(
            name: listDocuments,
            title: "List my documents",
            description: """
                List the documents the user can ask about, newest first, with their ids (for document_ids and \
                get_passage), titles, types, processing status and resource URIs.
                """,
            inputSchema: object([:], required: []),
            annotations: .init(readOnlyHint: true, openWorldHint: false),
            outputSchema: object(
                [
                    "documents": [
                        "type": "array",
                        "items": object(
                            [
                                "id": ["type": "string"],
                                "uri": ["type": "string"],
                                "filename": ["type": "string"],
                                "title": ["type": "string"],
                                "type": ["type": "string"],
                                "status": ["type": "string", "enum": ["processing", "completed", "failed"]],
                                "scope": ["type": "string", "enum": ["personal", "shared"]],
                                "page_count": ["type": "integer"],
                                "chunk_count": ["type": "integer"],
                            ],
                            required: ["id", "uri", "filename", "title", "type", "status", "scope", "chunk_count"]
                        ),
                    ],
                    "total": ["type": "integer"],
                ],
                required: ["documents", "total"]
            )
        ),
        Tool(
            name: getPassage,
            title: "Read a passage",
            description: """
                Read one passage of a document in full: the document_id and chunk_id of a source from ask or \
                search_documents.
                """,
            inputSchema: object(
                [
                    "document_id": ["type": "string", "description": "The document's id (doc_...)."],
                    "chunk": ["type": "string", "description": "The passage's chunk_id (chk_...)."],
                ],
                required: ["document_id", "chunk"]
            ),
            annotations: .init(readOnlyHint: true, openWorldHint: false),
            outputSchema: object(
                [
                    "document_id": ["type": "string"],
                    "document": ["type": "string"],
                    "chunk_id": ["type": "string"],
                    "position": ["type": "integer"],
                    "page": ["type": "integer"],
                    "section": ["type": "string"],
                    "char_start": ["type": "integer"],
                    "char_end": ["type": "integer"],
                    "text": ["type": "string"],
                ],
                required: ["document_id", "document", "chunk_id", "position", "char_start", "char_end", "text"]
            )
        ),
        Tool(
            name: uploadDocument,
            title: "Add a document",
            description: """
                Add a file (.txt, .md, .html, .pdf, .docx) or the supported files of a folder to the user's \
                documents and wait until they are indexed. Local store only, and only paths inside the folders \
                the user allowed with --allow-dir.
                """,
            inputSchema: object(
                ["path": ["type": "string", "description": "Absolute path of a file or folder."]],
                required: ["path"]
            ),
            annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false),
            outputSchema: object(
                [
                    "files": [
                        "type": "array",
                        "items": object(
                            [
                                "path": ["type": "string"],
                                "outcome": ["type": "string", "enum": ["indexed", "duplicate", "failed"]],
                                "document_id": ["type": "string"],
                                "filename": ["type": "string"],
                                "chunk_count": ["type": "integer"],
                                "page_count": ["type": "integer"],
                                "error": ["type": "string"],
                            ],
                            required: ["path", "outcome"]
                        ),
                    ]
                ],
                required: ["files"]
            )
        ),
        Tool(
            name: remember,
            title: "Remember a fact",
            description: """
                Store a personal memory ("I work at the Leipzig site"); later answers use it as a source when it \
                is relevant.
                """,
            inputSchema: object(
                ["text": ["type": "string", "minLength": 1, "description": "The fact to remember."]],
                required: ["text"]
            ),
            annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false),
            outputSchema: object(
                [
                    "id": ["type": "string"],
                    "content": ["type": "string"],
                    "scope": ["type": "string"],
                    "created_at": ["type": "string"],
                ],
                required: ["id", "content", "scope", "created_at"]
            )
        ),
    ]

    /// The argument names each tool takes, for the unknown-argument check.
    static func argumentNames(of name: String) -> [String]? {
        guard let tool = tools.first(where: { $0.name == name }),
            case .object(let properties)? = tool.inputSchema.objectValue?["properties"]
        else { return nil }
        return properties.keys.sorted()
    }

    // MARK: - Schema pieces

    private static let documentIds: Value = [
        "type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 50,
        "description": "Only search these documents (ids from list_documents).",
    ]

    /// A source of `ask` or a result of `search_documents` (`ToolOutput.Passage`).
    private static let passage: Value = object(
        [
            "n": ["type": "integer", "description": "The number the answer cites as [n]."],
            "kind": ["type": "string", "enum": ["document", "personal_memory", "shared_memory"]],
            "document_id": ["type": "string"],
            "document": ["type": "string", "description": "The document's file name."],
            "title": ["type": "string"],
            "page": ["type": "integer", "description": "1-based page, for PDFs."],
            "section": ["type": "string", "description": "The nearest heading."],
            "chunk_id": ["type": "string", "description": "For get_passage."],
            "score": ["type": "number", "description": "Higher is better, within one result."],
            "passage": ["type": "string", "description": "The passage in full."],
            "cited": ["type": "boolean", "description": "ask only: whether the answer cites it."],
        ],
        required: ["n", "kind", "title", "score", "passage"]
    )

    private static func object(_ properties: [String: Value], required: [String]) -> Value {
        [
            "type": "object",
            "properties": .object(properties),
            "required": .array(required.map { .string($0) }),
            "additionalProperties": false,
        ]
    }
}
