import Foundation

/// Berrett–Samworth–Yuan (2019) weights over the 1st…k-th neighbour log-densities, by the authors' rule
/// (docs/method.md §3 and §18.1): w = e₁ for d ≤ 4; otherwise the minimum-norm least-squares solution (SVD, singular
/// values ≤ 1e-6·σ_max dropped) of A·w = b with rows
/// 1. (1/k)·1ᵀ, rhs 1/k (Σw = 1);
/// 2. for l = 1…⌊d/4⌋, r_l[j] = Γ(j + 2l/d)/Γ(j), j = 1…k, scaled to unit norm, rhs 0;
/// 3. e_j, rhs 0, for each 0-based j ∉ {⌊i·k/d⌋ − 1 : i = 1…d}.
/// When the system is over-determined (1 + ⌊d/4⌋ + zeroed rows > k) the weights no longer sum to 1 (docs/method.md §18.2);
/// the entropy estimators report that as `EstimateNote.weightsDoNotSumToOne`.
package enum WKLWeights {
  /// The k weights for dimension d.
  package static func weights(dimension d: Int, k: Int) -> [Double] {
    precondition(d >= 1 && k >= 1, "WKL weights need d ≥ 1 and k ≥ 1, got d = \(d), k = \(k)")
    var w = [Double](repeating: 0, count: k)
    guard d > 4 else {
      w[0] = 1
      return w
    }
    var rows = [[Double]]()
    var rhs = [Double]()
    rows.append([Double](repeating: 1 / Double(k), count: k))
    rhs.append(1 / Double(k))
    for l in 1...(d / 4) {
      let a = 2 * Double(l) / Double(d)
      let r = (1...k).map { j in exp(lgamma(Double(j) + a) - lgamma(Double(j))) }
      let norm = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
      rows.append(r.map { $0 / norm })
      rhs.append(0)
    }
    let kept = Set((1...d).map { $0 * k / d - 1 })
    for j in 0..<k where !kept.contains(j) {
      var e = [Double](repeating: 0, count: k)
      e[j] = 1
      rows.append(e)
      rhs.append(0)
    }
    return minimumNormLeastSquares(rows.flatMap { $0 }, rows: rows.count, columns: k, rhs, rcond: 1e-6)
  }
}
