import ChatTestSupport
import Foundation
import Testing

@testable import Commands

@Suite struct FolderWalkTests {
    @Test func foldersAreWalkedRecursivelyAndSkipsAreExplained() throws {
        let directory = TemporaryDirectory()
        let root = directory.url
        let manager = FileManager.default
        for folder in ["sub/deeper", ".hidden"] {
            try manager.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for file in ["b.md", "a.xyz", "README", "sub/c.txt", "sub/deeper/d.html", ".hidden/e.txt", ".env"] {
            try Data("text".utf8).write(to: root.appendingPathComponent(file))
        }
        let walked = UploadRunner.plan(paths: [root.path], title: nil, shared: false, relativeTo: root)
        #expect(
            walked.files.map { String($0.path.dropFirst(root.path.count + 1)) } == [
                "b.md", "sub/c.txt", "sub/deeper/d.html",
            ]
        )
        #expect(walked.problems.isEmpty)
        let skipped = Dictionary(
            uniqueKeysWithValues: walked.skipped.map { (($0.path as NSString).lastPathComponent, $0.reason) }
        )
        #expect(
            skipped == [
                ".env": "hidden", ".hidden": "hidden", "README": "no file type", "a.xyz": "unsupported type .xyz",
            ]
        )
    }
}
