import Foundation
import Tensor

/// A CSV file of numbers: an optional header row of column names, then one row per sample.
public struct CSVTable: Sendable, Equatable {
  /// Column names from the header row, or nil if the file has none.
  public var header: [String]?
  /// The numbers, n×d with one row per data row of the file.
  public var values: Matrix

  /// A table of n × d `values`, one row per sample, with optional column names `header` (nil: no header row).
  public init(header: [String]?, values: Matrix) {
    self.header = header
    self.values = values
  }
}

/// Comma-separated numbers (RFC 4180 quoting for header names), read into and written from a Float64 matrix.
///
/// Blank lines are skipped, `\r\n` line ends and a UTF-8 byte-order mark are accepted, and spaces around a field are
/// ignored. Every row must have the same number of fields, and every field must be a finite number.
public enum CSV {
  /// Whether the first row holds column names.
  public enum HeaderRow: String, Sendable, CaseIterable {
    /// A header if any field of the first row is not a number.
    case auto
    case present
    case absent
  }

  /// Reads the CSV file at `url`.
  /// - Throws: `DatasetsError` naming the file: `.fileNotFound`, `.notANumber`, `.nonFinite` and `.raggedRow` with
  ///   the row and column, `.emptyCSV`.
  public static func read(contentsOf url: URL, header: HeaderRow = .auto) throws -> CSVTable {
    try decode(DatasetFile.read(url), file: url.path, header: header)
  }

  /// Writes `values` (and `header`, if given) to `url` atomically, each number in the shortest form that reads back
  /// to the same Double.
  /// - Throws: `DatasetsError.cannotEncode` for NaN or Inf or a header of the wrong length; `.ioFailure`.
  public static func write(_ values: Matrix, header: [String]? = nil, to url: URL) throws {
    try DatasetFile.writeAtomically(encode(values, header: header, file: url.path), to: url)
  }

  /// The bytes of a CSV file holding `values` under an optional `header`; `file` names it in errors.
  /// - Throws: As `write(_:header:to:)`.
  public static func encode(_ values: Matrix, header: [String]? = nil, file: String = "CSV data") throws -> [UInt8] {
    var text = ""
    if let header {
      guard header.count == values.columns else {
        throw DatasetsError.cannotEncode(
          file: file, format: "CSV", reason: "the header has \(header.count) names for \(values.columns) columns")
      }
      guard !header.contains(where: { $0.contains(where: \.isNewline) }) else {
        throw DatasetsError.cannotEncode(file: file, format: "CSV", reason: "a header name holds a line break")
      }
      text += header.map(quoted).joined(separator: ",") + "\n"
    }
    for r in 0..<values.rows {
      for c in 0..<values.columns {
        let v = values.scalars[r * values.columns + c]
        guard v.isFinite else {
          throw DatasetsError.cannotEncode(
            file: file, format: "CSV", reason: "row \(r), column \(c) (0-based) is \(v), which CSV readers reject")
        }
        if c > 0 { text += "," }
        text += v.description
      }
      text += "\n"
    }
    return Array(text.utf8)
  }

  /// Decodes the bytes of a CSV file; `file` names it in errors.
  /// - Throws: As `read(contentsOf:header:)`.
  public static func decode(_ data: Data, file: String, header: HeaderRow = .auto) throws -> CSVTable {
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var names: [String]? = nil
    var scalars: [Double] = []
    var columns = -1
    var row = 0
    var lineNumber = 0
    var start = 0
    while start < bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      lineNumber += 1
      var line = bytes[start..<end]
      start = end + 1
      if line.last == 0x0D { line = line.dropLast() }
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      let fields = splitFields(line)
      if columns < 0 {
        columns = fields.count
        let numbers = fields.map(number)
        let isHeader =
          switch header {
          case .present: true
          case .absent: false
          case .auto: numbers.contains { $0 == nil }
          }
        if isHeader {
          names = fields.map { String(decoding: $0.text, as: UTF8.self) }
          continue
        }
      }
      guard fields.count == columns else {
        throw DatasetsError.raggedRow(file: file, row: row, line: lineNumber, expected: columns, found: fields.count)
      }
      for (column, field) in fields.enumerated() {
        guard let value = number(field) else {
          throw DatasetsError.notANumber(
            file: file, row: row, column: column, line: lineNumber,
            text: String(decoding: field.text.prefix(40), as: UTF8.self))
        }
        guard value.isFinite else {
          throw DatasetsError.nonFinite(file: file, row: row, column: column, line: lineNumber)
        }
        scalars.append(value)
      }
      row += 1
    }
    guard row > 0 else { throw DatasetsError.emptyCSV(file: file) }
    return CSVTable(header: names, values: Matrix(rows: row, columns: columns, scalars: scalars))
  }

  /// One field: its text without surrounding spaces or quotes, and whether it was quoted.
  private struct Field {
    var text: ArraySlice<UInt8>
    var quoted: Bool
  }

  /// The fields of one line, split at commas outside double quotes (`""` inside quotes is one quote).
  private static func splitFields(_ line: ArraySlice<UInt8>) -> [Field] {
    var fields: [Field] = []
    var i = line.startIndex
    while true {
      while i < line.endIndex && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
      if i < line.endIndex && line[i] == 0x22 {
        var text: [UInt8] = []
        i += 1
        while i < line.endIndex {
          if line[i] == 0x22 {
            if i + 1 < line.endIndex && line[i + 1] == 0x22 {
              text.append(0x22)
              i += 2
              continue
            }
            i += 1
            break
          }
          text.append(line[i])
          i += 1
        }
        while i < line.endIndex && line[i] != 0x2C { i += 1 }
        fields.append(Field(text: text[...], quoted: true))
      } else {
        let fieldStart = i
        while i < line.endIndex && line[i] != 0x2C { i += 1 }
        var end = i
        while end > fieldStart && (line[end - 1] == 0x20 || line[end - 1] == 0x09) { end -= 1 }
        fields.append(Field(text: line[fieldStart..<end], quoted: false))
      }
      guard i < line.endIndex else { return fields }
      i += 1  // the comma
    }
  }

  /// The number in an unquoted field, or nil.
  private static func number(_ field: Field) -> Double? {
    // A NUL byte ends a C string: Double("1\u{0}2") would read 1, so such a cell is no number.
    guard !field.quoted, !field.text.isEmpty, field.text.count <= 400, !field.text.contains(0) else { return nil }
    return Double(String(decoding: field.text, as: UTF8.self))
  }

  /// A header name, quoted if it holds a comma, a quote or a line break.
  private static func quoted(_ name: String) -> String {
    guard name.contains(where: { $0 == "," || $0 == "\"" }) || name.first == " " || name.last == " "
    else { return name }
    return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
