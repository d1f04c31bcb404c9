/// Errors of the compressors.
public enum CompressionError: Error, Equatable, CustomStringConvertible {
  /// Asked for more components than the data has dimensions (or fewer than 1).
  case componentCount(Int, dimension: Int)
  /// Fewer samples than a fit needs.
  case tooFewSamples(n: Int, needed: Int)
  /// A sample shape that differs from the one the model was fitted on.
  case shapeMismatch(expected: [Int], found: [Int])
  /// NaN or ±Inf in the input at a sample and (flattened) feature index.
  case nonFinite(row: Int, column: Int)
  /// NaN or ±Inf in a named variable (`X`, `Y`) at a row and (flattened) column.
  case nonFiniteVariable(variable: String, row: Int, column: Int)
  /// A variable whose every value (or every column) is constant: nothing to compress.
  case constantVariable(variable: String, detail: String)
  /// A training setting outside its allowed values.
  case invalidSetting(name: String, value: String, allowed: String)

  /// What went wrong and what to do about it, for the "Error:" line.
  public var description: String {
    switch self {
    case let .componentCount(k, d):
      "Cannot compress to \(k) components: the data has \(d) dimensions; choose a latent dimension between 1 and \(d)."
    case let .tooFewSamples(n, needed):
      "Fitting needs at least \(needed) samples, got \(n); add samples."
    case let .shapeMismatch(expected, found):
      "The model was fitted on samples of shape \(expected) but got \(found); pass data of the same layout."
    case let .nonFinite(row, column):
      "The data has NaN or Inf at sample \(row), feature \(column) (0-based); drop or impute it before compressing."
    case let .nonFiniteVariable(v, r, c):
      "\(v) has NaN or Inf at row \(r), column \(c) (0-based); drop or impute that row."
    case let .constantVariable(v, detail):
      "\(v) is constant\(detail); there is nothing to compress."
    case let .invalidSetting(name, value, allowed):
      "The autoencoder \(name) is \(value) but must be \(allowed)."
    }
  }
}
