/// The product version, shown by `--version`, `/health` and the bridge's `hello`.
public enum ChatShellVersion {
    public static let current = "0.1.0"
}
