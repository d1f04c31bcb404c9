/// Everything the estimators reject, with the facts a user needs to fix the input (docs/architecture.md, Conventions §5).
public enum EstimatorError: Error, Equatable, CustomStringConvertible {
  /// A NaN or ±Inf in `variable` at a 0-based row and column.
  case nonFinite(variable: String, row: Int, column: Int)
  /// k-NN estimators need more samples than neighbours.
  case tooFewSamples(variable: String, n: Int, k: Int)
  /// A class of the labels has too few samples for a class-conditional k-NN entropy.
  case tooFewClassSamples(label: Int32, count: Int, k: Int)
  /// k must be at least 1.
  case invalidNeighbourCount(Int)
  /// X and Y need the same number of rows (paired samples).
  case sampleCountMismatch(x: Int, y: Int)
  /// A variable has no rows or no columns.
  case empty(variable: String, rows: Int, columns: Int)
  /// Whitening (and the Gaussian estimator) need more samples than dimensions.
  case tooFewSamplesForCovariance(variable: String, n: Int, d: Int)
  /// The sample covariance is singular (a constant or linearly dependent column).
  case singularCovariance(variable: String)
  /// The Berrett–Samworth–Yuan weights of `variable` (dimension d) are over-determined for every usable k: `needed`
  /// is the smallest valid k (≥ n here, so more samples are needed), nil when none up to ⌊d/4⌋ + 3 is (from d = 20 on).
  case overdeterminedWeights(variable: String, dimension: Int, k: Int, needed: Int?, n: Int)
  /// Two samples are identical and tie-breaking is off, so a log-distance would be −∞.
  case duplicateSamples(variable: String, row: Int, duplicateOf: Int)
  /// The estimator cannot do what was asked (e.g. a closed form that has no version for class labels).
  case unsupported(String)
  /// An estimator's result (value or standard error) is NaN or infinite: never printed as a number.
  case nonFiniteResult(estimator: String, value: Double, standardError: Double)

  /// What went wrong and what to do about it, for the "Error:" line.
  public var description: String {
    switch self {
    case let .nonFinite(v, r, c):
      "\(v) has NaN or Inf at row \(r), column \(c) (0-based); drop or impute that row."
    case let .tooFewSamples(v, n, k):
      "k-NN needs n > k, but \(v) has n = \(n) samples and k = \(k); lower k or add samples."
    case let .tooFewClassSamples(label, count, k):
      "class \(label) has \(count) samples but k-NN entropy needs more than k = \(k) per class; lower k, "
        + "merge or drop that class."
    case let .nonFiniteResult(estimator, value, standardError):
      "The \(estimator) estimate is not a finite number (\(value) ± \(standardError)): the data's distances "
        + "overflow or vanish in floating point (values beyond about ±1e150, or far below 1e-150, without "
        + "standardisation). Rescale the data, or let the estimator standardise it (drop --no-whiten / "
        + "--no-standardize)."
    case let .unsupported(reason): reason + "."
    case let .invalidNeighbourCount(k): "k must be at least 1 (got \(k))."
    case let .sampleCountMismatch(x, y):
      "X has \(x) samples (rows) but Y has \(y); rows must be paired, so give both files the same row count."
    case let .empty(v, r, c): "\(v) is empty (\(r) rows × \(c) columns); give at least one sample and one column."
    case let .tooFewSamplesForCovariance(v, n, d):
      "\(v) has n = \(n) samples in d = \(d) dimensions; whitening needs n > d. Add samples or turn whitening off."
    case let .singularCovariance(v):
      "\(v) has a singular covariance (a constant or linearly dependent column); drop that column or turn "
        + "whitening off."
    case let .overdeterminedWeights(v, d, k, needed, n):
      if let needed {
        "WKL weights for \(v) in d = \(d) dimensions need k ≥ \(needed) (k = \(k) gives weights that do not sum to 1), "
          + "but there are only n = \(n) samples; add samples, compress to fewer dimensions, or use ksg."
      } else {
        "WKL weights for \(v) in d = \(d) dimensions are over-determined for every k ≥ \(k); compress to fewer "
          + "dimensions or use ksg."
      }
    case let .duplicateSamples(v, r, other):
      "\(v) rows \(r) and \(other) (0-based) are identical, so a k-NN log-distance is −∞; turn tie-breaking on "
        + "or drop duplicates."
    }
  }
}
