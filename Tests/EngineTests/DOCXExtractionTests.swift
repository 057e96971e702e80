import Engine
import Foundation
import Testing

/// Builds uncompressed ZIP archives, enough for small synthetic Word documents.
private enum StoredZip {
    static func make(_ entries: [(path: String, contents: String)]) -> Data {
        var archive = Data()
        var directory = Data()
        for (path, contents) in entries {
            let name = Data(path.utf8)
            let body = Data(contents.utf8)
            let checksum = crc32(body)
            let offset = UInt32(archive.count)
            archive.append(le32(0x0403_4B50))
            archive.append(le16(20) + le16(0) + le16(0) + le16(0) + le16(0))
            archive.append(le32(checksum) + le32(UInt32(body.count)) + le32(UInt32(body.count)))
            archive.append(le16(UInt16(name.count)) + le16(0))
            archive.append(name + body)

            directory.append(le32(0x0201_4B50))
            directory.append(le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0))
            directory.append(le32(checksum) + le32(UInt32(body.count)) + le32(UInt32(body.count)))
            directory.append(le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0) + le16(0))
            directory.append(le32(0) + le32(offset))
            directory.append(name)
        }
        let directoryOffset = UInt32(archive.count)
        archive.append(directory)
        archive.append(le32(0x0605_4B50) + le16(0) + le16(0))
        archive.append(le16(UInt16(entries.count)) + le16(UInt16(entries.count)))
        archive.append(le32(UInt32(directory.count)) + le32(directoryOffset) + le16(0))
        return archive
    }

    private static func le16(_ value: UInt16) -> Data { withUnsafeBytes(of: value.littleEndian) { Data($0) } }
    private static func le32(_ value: UInt32) -> Data { withUnsafeBytes(of: value.littleEndian) { Data($0) } }

    private static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }
}

private func wordDocument(body: String, styles: String? = nil, title: String? = nil) -> Data {
    let namespaces =
        #"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#
        + #"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#
    var entries: [(path: String, contents: String)] = [
        ("word/document.xml", "<?xml version=\"1.0\"?><w:document \(namespaces)><w:body>\(body)</w:body></w:document>")
    ]
    if let styles {
        entries.append(("word/styles.xml", "<?xml version=\"1.0\"?><w:styles \(namespaces)>\(styles)</w:styles>"))
    }
    if let title {
        entries.append(
            (
                "docProps/core.xml",
                "<?xml version=\"1.0\"?><cp:coreProperties "
                    + #"xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#
                    + #"xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>"# + title
                    + "</dc:title></cp:coreProperties>"
            )
        )
    }
    return StoredZip.make(entries)
}

private func paragraph(_ text: String, style: String? = nil, extra: String = "") -> String {
    let properties = style.map { #"<w:pPr><w:pStyle w:val="\#($0)"/>\#(extra)</w:pPr>"# } ?? extra
    return "<w:p>\(properties)<w:r><w:t xml:space=\"preserve\">\(text)</w:t></w:r></w:p>"
}

@Suite struct DOCXExtractorTests {
    @Test func syntheticDocumentPassesValidation() throws {
        let data = wordDocument(body: paragraph("Hello"))
        #expect(try UploadValidator.validate(filename: "hello.docx", data: data) == .docx)
    }

    @Test func stylesAndNumberingDecideBlockKinds() throws {
        let styles =
            #"<w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="heading 2"/></w:style>"#
            + #"<w:style w:type="paragraph" w:styleId="Kapitel"><w:name w:val="Kapitel"/>"#
            + #"<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>"#
        let body =
            paragraph("Guide", style: "Title")
            + paragraph("Chapter", style: "Kapitel")
            + paragraph("Section", style: "berschrift2")
            + paragraph("First step", extra: #"<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>"#)
            + paragraph("A bullet", style: "ListBullet")
            + "<w:p><w:r><w:t>Line one</w:t><w:br/><w:t>line two</w:t><w:tab/><w:t>tabbed</w:t></w:r></w:p>"
        let document = try DOCXExtractor().extract(wordDocument(body: body, styles: styles), filename: "g.docx")
        #expect(document.title == "Guide")
        #expect(
            document.blocks == [
                TextBlock(kind: .heading(level: 1), text: "Guide"),
                TextBlock(kind: .heading(level: 1), text: "Chapter"),
                TextBlock(kind: .heading(level: 2), text: "Section"),
                TextBlock(kind: .listItem, text: "First step"),
                TextBlock(kind: .listItem, text: "A bullet"),
                TextBlock(kind: .paragraph, text: "Line one\nline two tabbed"),
            ]
        )
    }

    @Test func coreTitleWinsOverTheFirstHeading() throws {
        let data = wordDocument(body: paragraph("Body heading", style: "Heading1"), title: "Official name")
        #expect(try DOCXExtractor().extract(data, filename: "t.docx").title == "Official name")
    }

    @Test func tableWithoutHeaderMarkupJoinsCells() throws {
        let row = { (a: String, b: String, c: String) in
            "<w:tr><w:tc>\(paragraph(a))</w:tc><w:tc>\(paragraph(b))</w:tc><w:tc>\(paragraph(c))</w:tc></w:tr>"
        }
        let body = "<w:tbl>" + row("A", "1", "x") + row("B", "2", "y") + "</w:tbl>"
        let document = try DOCXExtractor().extract(wordDocument(body: body), filename: "t.docx")
        #expect(document.blocks.map(\.text) == ["A | 1 | x", "B | 2 | y"])
        #expect(document.blocks.allSatisfy { $0.kind == .tableRow })
    }

    @Test func repeatedHeaderRowLabelsTheCells() throws {
        let header =
            #"<w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc>"# + paragraph("Plan") + "</w:tc><w:tc>"
            + paragraph("Price") + "</w:tc></w:tr>"
        let body =
            "<w:tbl>" + header + "<w:tr><w:tc>" + paragraph("Basic") + "</w:tc><w:tc>" + paragraph("$5")
            + "</w:tc></w:tr></w:tbl>"
        let document = try DOCXExtractor().extract(wordDocument(body: body), filename: "t.docx")
        #expect(document.blocks == [TextBlock(kind: .tableRow, text: "Plan: Basic; Price: $5")])
    }

    @Test func textBoxesAreReadOnceAndDeletionsNotAtAll() throws {
        let textBox =
            "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>"
            + paragraph("Boxed note") + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
            + paragraph("Boxed note") + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent>"
        let body =
            "<w:p><w:r><w:t>Before </w:t></w:r><w:r>\(textBox)</w:r><w:r><w:t>after</w:t></w:r>"
            + "<w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>"
        let document = try DOCXExtractor().extract(wordDocument(body: body), filename: "t.docx")
        #expect(document.blocks.map(\.text) == ["Boxed note", "Before after"])
    }

    @Test func archiveWithoutMainPartIsNotAWordDocument() {
        let data = StoredZip.make([("word/other.xml", "<x/>")])
        #expect(throws: EngineError.invalidFile(filename: "x.docx", reason: .notDOCX)) {
            try DOCXExtractor().extract(data, filename: "x.docx")
        }
    }
}
