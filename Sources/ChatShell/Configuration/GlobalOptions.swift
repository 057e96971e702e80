import ArgumentParser

/// Options every subcommand takes; each also comes from `CHATSHELL_<KEY>` or the config file.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Talk to `chatshell serve` at this URL instead of the local store.", valueName: "url")
    )
    var server: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("The local store's folder.", valueName: "path"))
    var dataDir: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("CA bundle for TLS to the server.", valueName: "path"))
    var caFile: String?

    @Option(name: .long, help: ArgumentHelp("Colour: auto, always or never.", valueName: "when"))
    var color: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "An OpenAI-compatible endpoint for generated answers (e.g. http://127.0.0.1:11434/v1).",
            valueName: "url"
        )
    )
    var llm: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Hybrid retrieval with the embedding model (scripts/install-model.sh): on, or off (the default).",
            valueName: "on|off"
        )
    )
    var embeddings: String?

    @Flag(name: .long, help: "Log more to stderr.")
    var verbose = false
}
