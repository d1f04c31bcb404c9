/// A diagnostic attached to an `Estimate`.
public enum EstimateNote: Sendable, Equatable, Codable, CustomStringConvertible {
  /// The MI estimate is below zero; it is returned as is, not clipped to 0.
  case negative
  /// Flag: the MI estimate is below zero by more than 3 standard errors — beyond its error, so the estimator is
  /// wrong on these data, not just noisy.
  case belowZero
  /// Flag: I(L;Y) is above the plug-in label entropy Ĥ(Y) (nats, which bounds it) by more than 3 standard errors.
  case aboveLabelEntropy(Double)
  /// Flag: `variable` is degenerate for a difference-of-entropies estimator: `tiedShare` of its samples have a
  /// (near-)duplicate as nearest neighbour, or its covariance has `effectiveRank` < `dimension` (eigenvalues below
  /// 1e-8 of the largest). Saturated units, ReLU zeros and one-hot-like codes look like this; KSG-type estimators
  /// (`KSG`, `KSGLabelMI`) count such ties by rule instead.
  case degenerate(variable: String, tiedShare: Double, effectiveRank: Int, dimension: Int)
  /// Columns (0-based) of `variable` had exactly repeated values and were jittered (`TieBreaking`).
  case tiesBroken(variable: String, columns: [Int])
  /// `share` of the samples had a k-th neighbour at distance 0 (exact ties), counted by Gao et al.'s rule.
  case tiesCounted(variable: String, share: Double)
  /// The first-choice estimator `from` could not be trusted here (`reason`), so the value is `to`'s.
  case fallback(from: String, to: String, reason: String)
  /// The Berrett–Samworth–Yuan weights for `dimension` and the requested k are over-determined (they would not sum
  /// to 1, docs/method.md §18.2), so that entropy used the smallest valid k, `used`.
  case neighboursRaised(variable: String, dimension: Int, requested: Int, used: Int)
  /// A variational lower bound (`bound`: mine, nwj, infonce) evaluated on `heldOut` held-out samples after `steps`
  /// critic training steps: the true MI is at least this, up to its noise.
  case lowerBound(bound: String, steps: Int, heldOut: Int)
  /// Flag: InfoNCE within 0.1 nats of its ceiling log(batch) = `ceiling`: the truth may be far above it.
  case atCeiling(Double)

  /// Whether the note says the estimate cannot be trusted as it is (exactly the notes with a `flagName`).
  public var isFlag: Bool { flagName != nil }

  /// A short machine-readable name for flags ("below-zero", "above-label-entropy", "degenerate"), nil otherwise.
  public var flagName: String? {
    switch self {
    case .belowZero: "below-zero"
    case .aboveLabelEntropy: "above-label-entropy"
    case .degenerate: "degenerate"
    case .atCeiling: "at-ceiling"
    default: nil
    }
  }

  /// The note as a phrase for messages (e.g. "negative estimate returned unclipped").
  public var description: String {
    switch self {
    case .negative: "negative estimate returned unclipped"
    case .belowZero: "below zero beyond its error (more than 3 standard errors): the estimator fails on these data"
    case let .aboveLabelEntropy(h):
      "above the label entropy Ĥ(Y) = \(formatted(h)) nats by more than 3 standard errors: impossible, the "
        + "estimator fails on these data"
    case let .degenerate(v, share, rank, d):
      "\(v) is degenerate for an entropy-sum estimator (\(formatted(100 * share)) % of samples tied to a neighbour, "
        + "covariance rank \(rank) of \(d)); prefer ksg"
    case let .tiesBroken(variable, columns):
      "ties in \(variable) columns \(columns) (0-based) broken with seeded jitter"
    case let .tiesCounted(variable, share):
      "\(formatted(100 * share)) % of \(variable) samples have exact ties at their k-th neighbour (counted, Gao et al.)"
    case let .fallback(from, to, reason): "\(from) \(reason), so this is \(to)'s estimate"
    case let .neighboursRaised(v, d, requested, used):
      "WKL weights for \(v) (d = \(d)) need k ≥ \(used); used k = \(used) instead of \(requested)"
    case let .lowerBound(bound, steps, heldOut):
      "a lower bound (\(bound), critic trained \(steps) steps, evaluated on \(heldOut) held-out samples): the MI is at "
        + "least this, and may be well above it"
    case let .atCeiling(ceiling):
      "at InfoNCE's ceiling log(batch) = \(formatted(ceiling)) nats (within 0.1): the MI may be far higher; raise "
        + "--neural-batch"
    }
  }
}
