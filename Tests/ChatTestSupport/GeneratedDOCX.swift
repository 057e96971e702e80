public import Foundation
import ZIPFoundation

/// Word documents built with ZIPFoundation, streamed from a provider closure so that even a bomb's gigabyte of
/// payload never sits in the test's memory.
public enum GeneratedDOCX {
    /// The WordprocessingML namespace declaration of a document element.
    public static let namespace = #"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#
    static let paragraph = Data("<w:p><w:r><w:t>Expanding text.</w:t></w:r></w:p>".utf8)

    /// A `.docx` whose `word/document.xml` holds `paragraphs` copies of one paragraph, deflated.
    public static func make(paragraphs: Int) throws -> Data {
        let head = Data("<?xml version=\"1.0\"?><w:document \(namespace)><w:body>".utf8)
        let tail = Data("</w:body></w:document>".utf8)
        let body = paragraphs * paragraph.count
        let bufferSize = 1 << 20
        // Any window of the repeated body is a slice of this, starting at the window's offset modulo one paragraph.
        let repeated = Array(repeating: paragraph, count: bufferSize / paragraph.count + 2).reduce(Data(), +)
        let archive = try Archive(accessMode: .create)
        try archive.addEntry(
            with: "word/document.xml",
            type: .file,
            uncompressedSize: Int64(head.count + body + tail.count),
            compressionMethod: .deflate,
            bufferSize: bufferSize
        ) { position, length in
            var chunk = Data(capacity: length)
            var offset = Int(position)
            while chunk.count < length {
                if offset < head.count {
                    chunk.append(head[offset...].prefix(length - chunk.count))
                } else if offset < head.count + body {
                    let start = (offset - head.count) % paragraph.count
                    let count = min(length - chunk.count, head.count + body - offset)
                    chunk.append(repeated[start..<(start + count)])
                } else {
                    chunk.append(tail[(offset - head.count - body)...].prefix(length - chunk.count))
                }
                offset = Int(position) + chunk.count
            }
            return chunk
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// A `.docx` whose `word/document.xml` is `xml`, deflated.
    public static func make(xml: Data) throws -> Data {
        let archive = try Archive(accessMode: .create)
        try archive.addEntry(
            with: "word/document.xml",
            type: .file,
            uncompressedSize: Int64(xml.count),
            compressionMethod: .deflate
        ) { position, length in
            xml.subdata(in: Int(position)..<(Int(position) + length))
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// A bomb: over a gigabyte of paragraphs, about a megabyte deflated.
    ///
    /// Built once for every test here.
    public static let bomb: Result<Data, any Error> = Result {
        try make(paragraphs: 1_100 * 1_048_576 / paragraph.count)
    }
}
