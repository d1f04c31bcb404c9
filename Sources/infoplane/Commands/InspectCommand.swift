import ArgumentParser
import Foundation
import InfoPlane

/// `infoplane inspect FILE`: the format, dtype, shape and value ranges of a data file.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Show the format, dtype, shape and min/mean/max of the arrays in a data file.",
    discussion: """
      Reads .npy, .csv, IDX (MNIST-style, plain or .gz) and .safetensors files; the format is told from the name \
      and the first bytes. Statistics leave out NaN and Inf, which are counted apart. A 2-D array also gets \
      statistics per column (its last axis); higher ranks are summarised over all values as rows × features.
      """
  )

  @Argument(help: "The data file (.npy, .csv, IDX or IDX .gz, .safetensors).")
  var file: String

  @Flag(help: "Print one JSON object with sorted keys instead of text.")
  var json = false

  @Option(help: "Whether a CSV file's first row holds column names: auto, present or absent.")
  var csvHeader: CSV.HeaderRow = .auto

  @Option(help: "Columns of a 2-D array listed in the text output (--json lists all).")
  var maxColumns = 12

  func validate() throws {
    guard maxColumns >= 0 else { throw ValidationError("--max-columns must be at least 0 (got \(maxColumns)).") }
  }

  func run() throws {
    print(try output(), terminator: "")
  }

  /// What `run()` prints: the text report or the JSON object, ending in a newline.
  func output() throws -> String {
    let contents = try ArrayFile.read(contentsOf: URL(fileURLWithPath: file), csvHeader: csvHeader)
    let summaries = contents.arrays.map { ArraySummary($0.array) }
    return json ? try jsonReport(contents, summaries) : textReport(contents, summaries)
  }

  private func formatName(_ contents: ArrayFile) -> String {
    contents.format.rawValue + (contents.compressed ? " (gzip)" : "")
  }

  private func textReport(_ contents: ArrayFile, _ summaries: [ArraySummary]) -> String {
    var lines = ["file     \(file)", "format   \(formatName(contents))"]
    for (key, value) in contents.metadata.sorted(by: { $0.key < $1.key }) { lines.append("metadata \(key) = \(value)") }
    for (named, summary) in zip(contents.arrays, summaries) {
      let array = named.array
      if contents.format == .safetensors { lines += ["", "tensor   \(named.name)"] }
      lines.append("dtype    \(array.dtype.rawValue)")
      var shape = "shape    \(array.shape)"
      if array.rank > 2 { shape += "  (\(array.shape[0]) rows × \(array.count / max(array.shape[0], 1)) features)" }
      lines.append(shape)
      let integral = array.dtype != .float32 && array.dtype != .float64
      lines.append(
        "values   \(array.count)   min \(number(summary.overall.min, integral))   "
          + "mean \(number(summary.overall.mean, false))   max \(number(summary.overall.max, integral))")
      if summary.nonFiniteCount > 0 {
        lines.append("non-finite \(summary.nonFiniteCount) (NaN or Inf, left out above)")
      }
      guard let columns = summary.columns, !columns.isEmpty, maxColumns > 0 else { continue }
      let names = contents.columnNames ?? columns.indices.map(String.init)
      var rows = [["column", "min", "mean", "max"]]
      for (c, stats) in columns.enumerated().prefix(maxColumns) {
        rows.append([
          names[c], number(stats.min, integral), number(stats.mean, false), number(stats.max, integral),
        ])
      }
      let widths = (0..<4).map { i in rows.map { $0[i].count }.max() ?? 0 }
      for row in rows {
        let cells = row.enumerated().map { i, cell in
          let pad = String(repeating: " ", count: widths[i] - cell.count)
          return i == 0 ? cell + pad : pad + cell
        }
        lines.append("  " + cells.joined(separator: "   "))
      }
      if columns.count > maxColumns {
        let more = columns.count - maxColumns
        lines.append("  … \(more) more columns (--max-columns \(columns.count) or --json lists all)")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A statistic for the text table: integers exactly, other values to 6 significant digits; "-" if absent.
  private func number(_ value: Double?, _ integral: Bool) -> String {
    guard let value else { return "-" }
    if integral, let exact = Int64(exactly: value) { return String(exact) }
    return String(format: "%.6g", value)
  }

  private func jsonReport(_ contents: ArrayFile, _ summaries: [ArraySummary]) throws -> String {
    try jsonLine(FileInspection(file: file, contents: contents, version: infoPlaneVersion), pretty: false)
  }
}

extension CSV.HeaderRow: ExpressibleByArgument {}
