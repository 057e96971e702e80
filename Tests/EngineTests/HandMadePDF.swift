import Foundation

/// Writes small PDFs for extraction tests: pages of text lines in the standard Helvetica fonts (which every PDF
/// reader knows without embedding), with optional document-information metadata.
///
/// The bytes follow the PDF 1.4 file structure (objects, a cross-reference table with exact offsets, a trailer),
/// so poppler reads them as it reads any producer's file.
struct HandMadePDF {
    /// One line of text placed on a page.
    struct Line {
        var text: String
        /// Distance from the top edge, in points.
        var top: Double
        var left: Double = 72
        var size: Double = 11
        var bold = false
    }

    var pages: [[Line]]
    var title: String?
    static let pageHeight = 792.0

    /// Lines of one size, one under another from `top`, 14 points apart (body text of a page).
    static func column(_ texts: [String], top: Double, size: Double = 11, step: Double = 14) -> [Line] {
        texts.enumerated().map { index, text in Line(text: text, top: top + Double(index) * step, size: size) }
    }

    var data: Data {
        var objects: [String] = []
        let pageCount = pages.count
        // 1 catalog, 2 page tree, 3 regular font, 4 bold font, then page and content pairs, then the info.
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        let kids = (0..<pageCount).map { "\(5 + 2 * $0) 0 R" }.joined(separator: " ")
        objects.append("<< /Type /Pages /Kids [\(kids)] /Count \(pageCount) >>")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        for (index, lines) in pages.enumerated() {
            objects.append(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    + "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(6 + 2 * index) 0 R >>"
            )
            var stream = ""
            for line in lines {
                let font = line.bold ? "F2" : "F1"
                let baseline = Self.pageHeight - line.top - line.size
                stream +=
                    "BT /\(font) \(line.size) Tf 1 0 0 1 \(line.left) \(baseline) Tm (\(Self.escaped(line.text))) Tj ET\n"
            }
            objects.append("<< /Length \(stream.utf8.count) >>\nstream\n\(stream)endstream")
        }
        var trailerInfo = ""
        if let title {
            objects.append("<< /Title (\(Self.escaped(title))) /Producer (HandMadePDF) >>")
            trailerInfo = " /Info \(objects.count) 0 R"
        }
        var output = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.utf8.count)
            output += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = output.utf8.count
        output += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            output += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n"
        }
        output += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R\(trailerInfo) >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(output.utf8)
    }

    /// A PDF literal string: backslashes and parentheses escaped; the text is ASCII in these tests.
    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "(", with: "\\(")
            .replacingOccurrences(of: ")", with: "\\)")
    }
}
