import Foundation

/// A variational lower bound on I(X;Y) computed from a critic's scores T(x, y) (docs/estimators.md, "Neural
/// baselines"):
/// - `mine`: Donsker–Varadhan, E_P[T] − log E_{P⊗P}[e^T] (Belghazi et al. 2018), trained with the bias-corrected
///   gradient: the denominator E[e^T] of the second term's gradient is a moving average over steps;
/// - `nwj`: Nguyen–Wainwright–Jordan (f-divergence), E_P[T] − e^{−1}·E_{P⊗P}[e^T];
/// - `infonce`: van den Oord et al. 2018, log B + mean_i [T(x_i, y_i) − log Σ_j e^{T(x_i, y_j)}] over a batch of B
///   pairs: never above log B.
///
/// All three are lower bounds in nats: a value is what the critic proved, not an estimate that can err upwards
/// (up to sampling noise of the held-out evaluation).
public enum VariationalBound: String, CaseIterable, Sendable, Codable {
  case mine
  case nwj
  case infonce

  /// The bound from scores of paired samples `joint` (T(x_i, y_i)) and of shuffled pairs `marginal`
  /// (T(x_i, y_σ(i))), for `mine` and `nwj`; in nats, computed in Float64 with the log-sum-exp shift.
  public static func value(_ bound: VariationalBound, joint: [Double], marginal: [Double]) -> Double {
    let mean = joint.reduce(0, +) / Double(joint.count)
    switch bound {
    case .mine: return mean - logMeanExp(marginal)
    case .nwj: return mean - exp(logMeanExp(marginal) - 1)
    case .infonce: preconditionFailure("infonce needs the score matrix: use infoNCE(scores:batch:)")
    }
  }

  /// log mean e^{v}, shifted by the largest value so that no term overflows.
  public static func logMeanExp(_ values: [Double]) -> Double {
    guard let top = values.max(), top.isFinite else { return values.max() ?? -.infinity }
    return top + log(values.reduce(0) { $0 + exp($1 - top) } / Double(values.count))
  }

  /// InfoNCE of one batch from its `batch × batch` scores (row i: T(x_i, y_j) for every j; the diagonal holds the
  /// pairs), row-major: log B + mean_i (S_ii − log Σ_j e^{S_ij}).
  public static func infoNCE(scores: [Double], batch: Int) -> Double {
    var total = 0.0
    for i in 0..<batch {
      let row = Array(scores[(i * batch)..<((i + 1) * batch)])
      total += row[i] - (logMeanExp(row) + log(Double(batch)))
    }
    return log(Double(batch)) + total / Double(batch)
  }

  /// The gradient of the training loss (minus the bound) with respect to each score, for one batch.
  /// - `mine`/`nwj`: `scores` are B joint scores then B marginal scores; `movingAverage` is MINE's running
  ///   E[e^T] over steps (already updated with this batch), which replaces the batch mean in the denominator of the
  ///   marginal term's gradient (the bias-corrected gradient; unused by `nwj`).
  /// - `infonce`: `scores` are the B × B matrix, row-major.
  public static func lossGradient(
    _ bound: VariationalBound, scores: [Double], batch: Int, movingAverage: Double
  ) -> [Double] {
    let b = Double(batch)
    switch bound {
    case .mine:
      return (0..<(2 * batch)).map { i in i < batch ? -1 / b : exp(scores[i]) / (b * movingAverage) }
    case .nwj:
      return (0..<(2 * batch)).map { i in i < batch ? -1 / b : exp(scores[i] - 1) / b }
    case .infonce:
      var gradient = [Double](repeating: 0, count: batch * batch)
      for i in 0..<batch {
        let row = scores[(i * batch)..<((i + 1) * batch)]
        let top = row.max()!
        let weights = row.map { exp($0 - top) }
        let total = weights.reduce(0, +)
        for j in 0..<batch { gradient[i * batch + j] = (weights[j] / total - (i == j ? 1 : 0)) / b }
      }
      return gradient
    }
  }
}
