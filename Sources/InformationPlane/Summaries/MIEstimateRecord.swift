import Compression
import Estimators
import Foundation

/// One MI estimate between two data files with everything needed to reproduce it: what `infoplane estimate --json`
/// prints (keys sorted; NaN and ±Inf as null, since JSON has no NaN). Values are in nats unless a key says bits.
package struct MIEstimateRecord: Sendable, Encodable {
  package var estimate: Estimate
  package var estimator: MIEstimatorChoice
  /// Neighbours per sample; nil for the closed-form `gaussian`.
  package var k: Int?
  /// Samples, and features per sample of X and Y (Y: 1 for labels) before compression.
  package var n: Int, dx: Int, dy: Int
  package var labels: Bool
  /// Distinct classes among the labels (with `labels` only).
  package var classes: Int?
  package var seed: UInt64
  /// `count` (Gao et al.'s rule), `jitter` or `none`.
  package var tieBreaking: String
  package var standardize: Bool
  /// The standard-error rule of the entropy sums (nil for the others).
  package var standardErrorRule: StandardErrorRule?
  /// Input warnings, then the estimate's notes, as sentences.
  package var notes: [String]
  /// Compression of `x` and/or `y`, keyed by "x" / "y".
  package var compression: [String: CompressionSummary]
  /// Also in bits (1 bit = ln 2 nats).
  package var inBits: Bool
  /// The two files, as given.
  package var x: String, y: String
  package var version: String

  package init(
    estimate: Estimate, estimator: MIEstimatorChoice, k: Int?, n: Int, dx: Int, dy: Int, labels: Bool,
    classes: Int?, seed: UInt64, tieBreaking: String, standardize: Bool, standardErrorRule: StandardErrorRule?,
    notes: [String], compression: [String: CompressionSummary], inBits: Bool, x: String, y: String, version: String
  ) {
    self.estimate = estimate
    self.estimator = estimator
    self.k = k
    (self.n, self.dx, self.dy) = (n, dx, dy)
    self.labels = labels
    self.classes = classes
    self.seed = seed
    self.tieBreaking = tieBreaking
    self.standardize = standardize
    self.standardErrorRule = standardErrorRule
    self.notes = notes
    self.compression = compression
    self.inBits = inBits
    (self.x, self.y) = (x, y)
    self.version = version
  }

  enum CodingKeys: String, CodingKey {
    case mi
    case standardError = "standard_error"
    case unit, estimator, k, n, dx, dy, labels, classes, seed
    case tieBreaking = "tie_breaking"
    case standardize, negative, flags, notes, x, y, version
    case standardErrorRule = "standard_error_rule"
    case compression
    case miBits = "mi_bits"
    case standardErrorBits = "standard_error_bits"
  }

  package func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
    try c.encode(finite(estimate.value), forKey: .mi)
    try c.encode(finite(estimate.standardError), forKey: .standardError)
    try c.encode("nats", forKey: .unit)
    try c.encode(estimator, forKey: .estimator)
    try c.encode(k, forKey: .k)
    try c.encode(n, forKey: .n)
    try c.encode(dx, forKey: .dx)
    try c.encode(dy, forKey: .dy)
    try c.encode(labels, forKey: .labels)
    try c.encodeIfPresent(classes, forKey: .classes)
    try c.encode(seed, forKey: .seed)
    try c.encode(tieBreaking, forKey: .tieBreaking)
    try c.encode(standardize, forKey: .standardize)
    try c.encode(estimate.isNegative, forKey: .negative)
    try c.encode(estimate.flags.compactMap(\.flagName), forKey: .flags)
    try c.encode(notes, forKey: .notes)
    try c.encode(x, forKey: .x)
    try c.encode(y, forKey: .y)
    try c.encode(version, forKey: .version)
    try c.encodeIfPresent(standardErrorRule, forKey: .standardErrorRule)
    if !compression.isEmpty { try c.encode(compression, forKey: .compression) }
    if inBits {
      try c.encode(finite(estimate.value / log(2.0)), forKey: .miBits)
      try c.encode(finite(estimate.standardError / log(2.0)), forKey: .standardErrorBits)
    }
  }
}
