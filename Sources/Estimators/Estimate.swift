/// An estimated information quantity in nats, with its standard error and anything the user should know.
public struct Estimate: Sendable, Equatable, Codable, CustomStringConvertible {
  /// The estimate in nats. Never clipped: a negative MI estimate is returned as is and flagged with `.negative`.
  public var value: Double
  /// The standard error in nats, from the per-sample terms (METHOD.md §3–§4); estimators built from several
  /// entropies combine them by their `StandardErrorRule`.
  public var standardError: Double
  /// Diagnostics: negative value, ties broken by jitter, WKL weights not summing to one.
  public var notes: [EstimateNote]

  public init(value: Double, standardError: Double, notes: [EstimateNote] = []) {
    self.value = value
    self.standardError = standardError
    self.notes = notes
  }

  /// Whether the value is below zero (possible for MI through estimation error; returned unclipped).
  public var isNegative: Bool { value < 0 }

  public var description: String {
    let base = "\(value) ± \(standardError) nats"
    return notes.isEmpty ? base : base + " (" + notes.map(\.description).joined(separator: "; ") + ")"
  }

  /// Adds `.negative` when the value is below zero (for MI estimates; entropies may be negative by nature).
  func flaggingNegative() -> Estimate {
    guard value < 0, !notes.contains(.negative) else { return self }
    var copy = self
    copy.notes.append(.negative)
    return copy
  }
}

/// A diagnostic attached to an `Estimate`.
public enum EstimateNote: Sendable, Equatable, Codable, CustomStringConvertible {
  /// The MI estimate is below zero; it is returned as is, not clipped to 0.
  case negative
  /// Columns (0-based) of `variable` had exactly repeated values and were jittered (`TieBreaking`).
  case tiesBroken(variable: String, columns: [Int])
  /// The Berrett–Samworth–Yuan weights for this dimension do not sum to 1 (over-determined system, METHOD.md
  /// §18.2): the entropy of that variable is scaled by `sum`. Raise k to avoid it.
  case weightsDoNotSumToOne(dimension: Int, k: Int, sum: Double)

  public var description: String {
    switch self {
    case .negative: "negative estimate returned unclipped"
    case let .tiesBroken(variable, columns):
      "ties in \(variable) columns \(columns) (0-based) broken with seeded jitter"
    case let .weightsDoNotSumToOne(d, k, sum):
      "WKL weights for d = \(d), k = \(k) sum to \(sum), not 1; raise k"
    }
  }
}
