import ArgumentParser

/// `--log-level` of the stdio front ends (`bridge`, `mcp`): checked when parsed, applied by `StdioFrontEnd`.
struct LogLevelOption: ParsableArguments {
    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp(
            "stderr log level: \(StdioFrontEnd.logLevelNames).",
            valueName: "level"
        )
    )
    var logLevel: String?

    func validate() throws {
        try StdioFrontEnd.validateLogLevel(logLevel)
    }
}
