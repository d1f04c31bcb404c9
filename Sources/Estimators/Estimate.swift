/// An estimated information quantity in nats, with its standard error and anything the user should know.
public struct Estimate: Sendable, Equatable, Codable, CustomStringConvertible {
  /// The estimate in nats. Never clipped: a negative MI estimate is returned as is and noted `.negative`.
  public var value: Double
  /// The standard error in nats, from the per-sample terms (docs/method.md §3–§4); estimators built from several
  /// entropies combine them by their `StandardErrorRule`.
  public var standardError: Double
  /// Diagnostics: negative value, ties, raised k, and the flags of `flags` (estimates that cannot be trusted).
  public var notes: [EstimateNote]

  /// An estimate of `value` ± `standardError`, both in nats, with its `notes`.
  public init(value: Double, standardError: Double, notes: [EstimateNote] = []) {
    self.value = value
    self.standardError = standardError
    self.notes = notes
  }

  /// Whether the value is below zero (possible for MI through estimation error; returned unclipped).
  public var isNegative: Bool { value < 0 }

  /// The notes that say this estimate cannot be trusted as it is (`EstimateNote.isFlag`): it breaks a bound beyond
  /// its error, or rests on degenerate data.
  public var flags: [EstimateNote] { notes.filter(\.isFlag) }

  /// Whether any note is a flag.
  public var isFlagged: Bool { notes.contains(where: \.isFlag) }

  /// How many standard errors an MI estimate may lie beyond a bound before it is flagged.
  public static let flagStandardErrors = 3.0

  /// "value ± standardError nats", followed by the notes in parentheses when there are any.
  public var description: String {
    let base = "\(value) ± \(standardError) nats"
    return notes.isEmpty ? base : base + " (" + notes.map(\.description).joined(separator: "; ") + ")"
  }

  /// Adds the bound notes of an MI estimate: `.negative` below zero, `.belowZero` below −3 SE, and with a label
  /// entropy Ĥ(Y) (nats) `.aboveLabelEntropy` above Ĥ(Y) + 3 SE. Entropies are not checked (they may be negative).
  package func checkingBounds(labelEntropy: Double? = nil) -> Estimate {
    var copy = self
    func add(_ note: EstimateNote) { if !copy.notes.contains(note) { copy.notes.append(note) } }
    let margin = Self.flagStandardErrors * (standardError.isFinite ? standardError : 0)
    if value < 0 { add(.negative) }
    if value < -margin { add(.belowZero) }
    if let labelEntropy, value > labelEntropy + margin { add(.aboveLabelEntropy(labelEntropy)) }
    return copy
  }
}

/// A number with 4 significant digits for messages.
package func formatted(_ x: Double) -> String {
  guard x.isFinite else { return "\(x)" }
  let magnitude = abs(x)
  if magnitude != 0, magnitude < 1e-3 || magnitude >= 1e5 {
    return "\(Double(Float(x)))"
  }
  var s = "\((x * 1e4).rounded() / 1e4)"
  if s.hasSuffix(".0") { s.removeLast(2) }
  return s
}
