import Foundation

/// A self-contained HTML page: inline CSS and SVG, no scripts, no network access; opens offline in any browser.
package struct HTMLReport: Sendable {
  package var title: String
  private var body: [String] = []
  private var chartCount = 0

  package init(title: String) { self.title = title }

  /// A section heading.
  package mutating func heading(_ text: String) { body.append("<h2>\(escape(text))</h2>") }

  /// A paragraph of plain text (escaped).
  package mutating func paragraph(_ text: String) { body.append("<p>\(escape(text))</p>") }

  /// A row of charts laid out in a responsive grid; each gets a page-unique identifier.
  package mutating func charts(_ charts: [SVGChart]) {
    let rendered = charts.map { chart -> String in
      var c = chart
      chartCount += 1
      c.identifier = "chart\(chartCount)"
      return "<figure>\(c.render())</figure>"
    }
    body.append("<div class=\"grid\">\(rendered.joined())</div>")
  }

  /// A table with a header row; cells are escaped.
  package mutating func table(header: [String], rows: [[String]]) {
    var html = "<table><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
    for row in rows { html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }
    body.append(html + "</tbody></table>")
  }

  /// The complete document.
  package func render() -> String {
    """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escape(title))</title>
    <style>
    body { font-family: system-ui, -apple-system, Segoe UI, sans-serif; margin: 24px auto; max-width: 1400px;
           color: #222; padding: 0 16px; }
    h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
    .grid { display: flex; flex-wrap: wrap; gap: 12px; }
    figure { margin: 0; border: 1px solid #e4e4e4; border-radius: 4px; }
    table { border-collapse: collapse; font-size: 13px; }
    td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
    th { background: #f6f6f6; }
    p { max-width: 900px; line-height: 1.45; }
    </style></head><body>
    <h1>\(escape(title))</h1>
    \(body.joined(separator: "\n"))
    </body></html>

    """
  }

  /// Writes the document atomically (temporary file, then rename).
  package func write(to url: URL) throws {
    try Data(render().utf8).write(to: url, options: .atomic)
  }
}
