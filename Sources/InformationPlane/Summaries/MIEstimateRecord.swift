import Compression
import Estimators
import Foundation

/// One MI estimate between two data files with everything needed to reproduce it: what `infoplane estimate --json`
/// prints (keys sorted; NaN and ±Inf as null, since JSON has no NaN). Values are in nats unless a key says bits.
package struct MIEstimateRecord: Sendable, Encodable {
  let mi: Nullable<Double>, standardError: Nullable<Double>
  let unit = "nats"
  let estimator: MIEstimatorChoice
  /// Neighbours per sample; null for the closed-form `gaussian`.
  let k: Nullable<Int>
  /// Samples, and features per sample of X and Y (Y: 1 for labels) before compression.
  let n: Int, dx: Int, dy: Int
  let labels: Bool
  /// Distinct classes among the labels (present with `labels` only).
  let classes: Int?
  let seed: UInt64
  /// `count` (Gao et al.'s rule), `jitter` or `none`.
  let tieBreaking: String
  let standardize: Bool
  let negative: Bool
  /// The names of the flags (`EstimateNote.flagName`).
  let flags: [String]
  /// Input warnings, then the estimate's notes, as sentences.
  let notes: [String]
  /// The two files, as given.
  let x: String, y: String
  let version: String
  /// The standard-error rule of the entropy sums (absent for the others).
  let standardErrorRule: StandardErrorRule?
  /// Compression of `x` and/or `y`, keyed by "x" / "y" (absent without compression).
  let compression: [String: CompressionSummary]?
  /// The estimate and its standard error in bits (present with `--bits`).
  let miBits: Nullable<Double>?, standardErrorBits: Nullable<Double>?

  /// The text output's values, kept for it.
  package let estimate: Estimate

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

  package init(
    estimate: Estimate, estimator: MIEstimatorChoice, k: Int?, n: Int, dx: Int, dy: Int, labels: Bool,
    classes: Int?, seed: UInt64, tieBreaking: String, standardize: Bool, standardErrorRule: StandardErrorRule?,
    notes: [String], compression: [String: CompressionSummary], inBits: Bool, x: String, y: String, version: String
  ) {
    self.estimate = estimate
    (mi, standardError) = (Nullable(finite: estimate.value), Nullable(finite: estimate.standardError))
    (self.estimator, self.k, self.n, self.dx, self.dy) = (estimator, Nullable(k), n, dx, dy)
    (self.labels, self.classes, self.seed) = (labels, classes, seed)
    (self.tieBreaking, self.standardize, self.standardErrorRule) = (tieBreaking, standardize, standardErrorRule)
    (negative, flags) = (estimate.isNegative, estimate.flags.compactMap(\.flagName))
    (self.notes, self.x, self.y, self.version) = (notes, x, y, version)
    self.compression = compression.isEmpty ? nil : compression
    miBits = inBits ? Nullable(finite: estimate.value / log(2.0)) : nil
    standardErrorBits = inBits ? Nullable(finite: estimate.standardError / log(2.0)) : nil
  }

  /// The text output: the estimate (also in bits with `--bits`), the settings, the compression, and every flag.
  package var text: String {
    let bits = miBits != nil
    var lines = [
      String(format: "I(X;Y) = %.6f ± %.6f nats", estimate.value, estimate.standardError)
        + (bits ? String(format: " = %.6f ± %.6f bits", estimate.value / log(2), estimate.standardError / log(2)) : ""),
      "estimator \(estimator.rawValue)" + (k.value.map { ", k = \($0)" } ?? "") + ", n = \(n), dx = \(dx), "
        + (classes.map { "labels: \($0) classes" } ?? "dy = \(dy)"),
    ]
    for (name, key) in [("X", "x"), ("Y", "y")] {
      if let summary = compression?[key] { lines.append("\(name) compressed: \(summary.text)") }
    }
    for flag in estimate.flags { lines.append("FLAGGED: " + flag.description) }
    if estimate.isNegative, !estimate.notes.contains(.belowZero) {
      lines.append("(negative within its error: returned unclipped; the true MI is ≥ 0)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
