/// The header dictionary of a `.npy` file: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
///
/// Parses exactly the Python-literal subset NumPy writes (strings, `True`/`False`, tuples of integers) and renders
/// byte-for-byte what `np.save` renders (NumPy 1.x and 2.x, format versions 1.0–3.0).
struct NPYHeader: Equatable {
  /// NumPy's type string, e.g. `<f4`.
  var descr: String
  var fortranOrder: Bool
  /// Extents as written, still unchecked (digits of possibly huge or negative integers).
  var shapeText: [String]

  /// The dtype string NumPy writes for `dtype`.
  static func descr(for dtype: NPYArray.DType) -> String {
    switch dtype {
    case .float32: "<f4"
    case .float64: "<f8"
    case .int8: "|i1"
    case .int16: "<i2"
    case .int32: "<i4"
    case .int64: "<i8"
    case .uint8: "|u1"
    case .bool: "|b1"
    }
  }

  /// The header text NumPy writes for a C-ordered array, before padding: sorted keys, a trailing `, `, and spare
  /// spaces so the first extent can grow in place (NumPy's `GROWTH_AXIS_MAX_DIGITS` = 21).
  static func render(dtype: NPYArray.DType, shape: [Int]) -> String {
    let tuple =
      shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var text = "{'descr': '\(descr(for: dtype))', 'fortran_order': False, 'shape': \(tuple), }"
    if let first = shape.first { text += String(repeating: " ", count: max(0, 21 - String(first).count)) }
    return text
  }

  /// Parses the dictionary literal in `text`.
  /// - Throws: A description of the first problem, which the caller wraps in `DatasetsError.malformedHeader`.
  static func parse(_ text: [UInt8]) throws(NPYHeaderParseError) -> NPYHeader {
    var parser = Parser(bytes: text)
    let dictionary = try parser.parseDictionary()
    guard Set(dictionary.keys) == ["descr", "fortran_order", "shape"] else {
      throw NPYHeaderParseError(
        "keys are \(dictionary.keys.sorted()) but must be exactly 'descr', 'fortran_order' and 'shape'")
    }
    guard case let .string(descr)? = dictionary["descr"] else {
      throw NPYHeaderParseError("'descr' is not a plain type string (structured dtypes are not supported)")
    }
    guard case let .bool(fortranOrder)? = dictionary["fortran_order"] else {
      throw NPYHeaderParseError("'fortran_order' is not True or False")
    }
    guard case let .tuple(shapeText)? = dictionary["shape"] else {
      throw NPYHeaderParseError("'shape' is not a tuple of integers")
    }
    return NPYHeader(descr: descr, fortranOrder: fortranOrder, shapeText: shapeText)
  }

  /// A value of the header literal.
  private enum Value {
    case string(String)
    case bool(Bool)
    case tuple([String])
  }

  /// Recursive-descent parser over the header bytes; never reads past the end.
  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    mutating func parseDictionary() throws(NPYHeaderParseError) -> [String: Value] {
      skipSpace()
      try expect(UInt8(ascii: "{"))
      var result: [String: Value] = [:]
      while true {
        skipSpace()
        if peek() == UInt8(ascii: "}") { break }
        let key = try parseString()
        skipSpace()
        try expect(UInt8(ascii: ":"))
        skipSpace()
        guard result[key] == nil else { throw NPYHeaderParseError("key '\(key)' appears twice") }
        result[key] = try parseValue()
        skipSpace()
        if peek() == UInt8(ascii: ",") { index += 1 } else { break }
      }
      skipSpace()
      try expect(UInt8(ascii: "}"))
      skipSpace()
      guard index == bytes.count else {
        throw NPYHeaderParseError("unexpected text after the closing brace at byte \(index)")
      }
      return result
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
      while let c = peek(), c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { index += 1 }
    }

    private mutating func expect(_ c: UInt8) throws(NPYHeaderParseError) {
      guard peek() == c else {
        throw NPYHeaderParseError("expected '\(Character(Unicode.Scalar(c)))' at byte \(index)")
      }
      index += 1
    }

    private mutating func parseString() throws(NPYHeaderParseError) -> String {
      guard let quote = peek(), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
        throw NPYHeaderParseError("expected a quoted string at byte \(index)")
      }
      index += 1
      let start = index
      while let c = peek(), c != quote {
        guard c != UInt8(ascii: "\\"), c >= 0x20 else {
          throw NPYHeaderParseError("unsupported character in a string at byte \(index)")
        }
        index += 1
      }
      guard peek() == quote else { throw NPYHeaderParseError("unterminated string starting at byte \(start - 1)") }
      index += 1
      return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
    }

    private mutating func parseWord(_ word: String) -> Bool {
      let w = Array(word.utf8)
      guard index + w.count <= bytes.count, Array(bytes[index..<(index + w.count)]) == w else { return false }
      index += w.count
      return true
    }

    private mutating func parseValue() throws(NPYHeaderParseError) -> Value {
      switch peek() {
      case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
      case UInt8(ascii: "("): return .tuple(try parseTuple())
      default:
        if parseWord("True") { return .bool(true) }
        if parseWord("False") { return .bool(false) }
        throw NPYHeaderParseError("unsupported value at byte \(index) (structured dtypes are not supported)")
      }
    }

    /// `()`, `(3,)`, `(2, 3)`, `(2, 3,)`; Python 2 long suffixes (`3L`) are accepted.
    private mutating func parseTuple() throws(NPYHeaderParseError) -> [String] {
      try expect(UInt8(ascii: "("))
      var items: [String] = []
      while true {
        skipSpace()
        if peek() == UInt8(ascii: ")") { break }
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        while let c = peek(), c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { index += 1 }
        let digits = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !digits.isEmpty, digits != "-" else {
          throw NPYHeaderParseError("expected an integer in 'shape' at byte \(start)")
        }
        if peek() == UInt8(ascii: "L") { index += 1 }
        items.append(digits)
        skipSpace()
        if peek() == UInt8(ascii: ",") {
          index += 1
        } else {
          break
        }
      }
      skipSpace()
      try expect(UInt8(ascii: ")"))
      return items
    }
  }
}

/// Why a `.npy` header did not parse.
struct NPYHeaderParseError: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}
