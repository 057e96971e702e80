import Foundation

/// Where chatshell looks for the embedding model file.
///
/// `scripts/install-model.sh` puts the file in `$XDG_DATA_HOME/chatshell/models` (by default
/// `~/.local/share/chatshell/models`). The model is shared by every store on the machine, so the lookup follows the
/// user's data folder rather than `CHATSHELL_HOME`, which tests and transcripts point at throw-away folders.
public enum ModelLocation {
    /// The file name of the bundled multilingual model.
    public static let fileName = "e5-small-q4.bin"

    /// The default path of the model for `environment` (`XDG_DATA_HOME`, else `HOME/.local/share`).
    public static func defaultPath(environment: [String: String]) -> String {
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            dataHome = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            dataHome = home + "/.local/share"
        }
        return dataHome + "/chatshell/models/" + fileName
    }
}
