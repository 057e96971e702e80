import ChatAPI
import Foundation

/// The supported files under a folder, its sub-folders included, and what it skips with the reason.
///
/// Hidden entries (names starting with `.`) are skipped with their contents, as are links to folders (they can
/// loop) and files of unsupported types; files are listed sorted by path so every run uploads in the same order.
struct FolderWalk {
    private(set) var files: [URL] = []
    private(set) var skipped: [UploadPlan.Skipped] = []

    /// - Parameters:
    ///   - root: the folder.
    ///   - shownAs: how the user wrote the folder; skipped paths are shown under it.
    init(root: URL, shownAs: String) {
        walk(root, shownAs: shownAs)
    }

    private mutating func walk(_ folder: URL, shownAs: String) {
        let fileManager = FileManager.default
        guard let entries = try? fileManager.contentsOfDirectory(atPath: folder.path) else {
            skipped.append(.init(path: shownAs, reason: "folder not readable"))
            return
        }
        for name in entries.sorted() {
            let url = folder.appendingPathComponent(name)
            let shown = (shownAs as NSString).appendingPathComponent(name)
            if name.hasPrefix(".") {
                skipped.append(.init(path: shown, reason: "hidden"))
                continue
            }
            let values = try? url.resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey])
            var isDirectory: ObjCBool = false
            _ = fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                if values?.isSymbolicLink == true {
                    skipped.append(.init(path: shown, reason: "link to a folder"))
                } else {
                    walk(url, shownAs: shown)
                }
            } else if !Capabilities.Upload.accepts(name) {
                let type = (name as NSString).pathExtension
                skipped.append(.init(path: shown, reason: type.isEmpty ? "no file type" : "unsupported type .\(type)"))
            } else if !fileManager.isReadableFile(atPath: url.path) {
                skipped.append(.init(path: shown, reason: "not readable"))
            } else {
                files.append(url)
            }
        }
    }
}
