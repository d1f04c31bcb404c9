import Foundation
import Tensor

/// Stochastic saturated units (docs/method.md §19.3): X ~ N(0, 1) per unit, L = q(X) + σ·ε with q a few-level quantiser
/// (tanh/sign-like) and ε ~ N(0, 1). L is the Gaussian mixture Σ_j π_j·N(a_j, σ²), π_j = Φ(t_j) − Φ(t_{j−1}), and
/// I(X;L) = I(q(X);L) = h(L) − ½·ln(2πeσ²) per unit; independent units add.
///
/// The integral is computed as Σ_j π_j·E_u[−ln Σ_m π_m·exp(−u·δ_jm − δ_jm²/2)], δ_jm = (a_j − a_m)/σ, u ~ N(0, 1)
/// (substituting l = a_j + σu), by the composite Simpson rule on u ∈ [−12, 12] with 24 000 intervals: the integrand is
/// smooth and grows at most linearly, so the truncated Gaussian tail (< 1e-32) and the rule's error (checked
/// against scipy's adaptive quadrature to 1e-12, bench/mixed_mi.py) are far below any estimator's error.
package struct NoisyQuantizer: Sendable, Equatable, Codable {
  /// Output levels a_1 < … < a_m.
  package var levels: [Double]
  /// Thresholds t_1 < … < t_{m−1}: q(x) = a_j for x ∈ (t_{j−1}, t_j].
  package var thresholds: [Double]
  /// Noise standard deviation σ > 0.
  package var noise: Double

  package init(levels: [Double] = [-1, 0, 1], thresholds: [Double] = [-0.6745, 0.6745], noise: Double) {
    self.levels = levels
    self.thresholds = thresholds
    self.noise = noise
  }

  /// π_j, the probability of each level under X ~ N(0, 1).
  package var levelProbabilities: [Double] {
    let cuts = [-Double.infinity] + thresholds + [Double.infinity]
    return (0..<levels.count).map { j in LatentMaps.normalCDF(cuts[j + 1]) - LatentMaps.normalCDF(cuts[j]) }
  }

  /// H(q(X)) in nats: the limit of I(X;L) per unit as σ → 0.
  package var levelEntropy: Double { levelProbabilities.reduce(0) { $0 - ($1 > 0 ? $1 * log($1) : 0) } }

  /// q(x).
  package func quantize(_ x: Double) -> Double {
    var j = 0
    while j < thresholds.count, x > thresholds[j] { j += 1 }
    return levels[j]
  }

  /// I(X;L) of one unit in nats, by quadrature.
  package var mutualInformationPerUnit: Double {
    let pi = levelProbabilities
    let m = levels.count
    let intervals = 24_000, lower = -12.0, upper = 12.0
    let h = (upper - lower) / Double(intervals)
    var total = 0.0
    var exponents = [Double](repeating: 0, count: m)
    for j in 0..<m where pi[j] > 0 {
      let deltas = (0..<m).map { (levels[j] - levels[$0]) / noise }
      var integral = 0.0
      for s in 0...intervals {
        let u = lower + Double(s) * h
        let weight = s == 0 || s == intervals ? 1.0 : (s % 2 == 1 ? 4.0 : 2.0)
        // −ln Σ_m π_m exp(e_m), e_m = −u·δ − δ²/2, by log-sum-exp.
        var largest = -Double.infinity
        for l in 0..<m where pi[l] > 0 {
          exponents[l] = -u * deltas[l] - deltas[l] * deltas[l] / 2
          largest = max(largest, exponents[l])
        }
        var sum = 0.0
        for l in 0..<m where pi[l] > 0 { sum += pi[l] * exp(exponents[l] - largest) }
        let density = exp(-u * u / 2) / (2 * Double.pi).squareRoot()
        integral += weight * density * -(largest + log(sum))
      }
      total += pi[j] * integral * h / 3
    }
    return total
  }

  /// The quantiser with the same levels whose noise σ gives `target` nats per unit (0 < target < H(q(X))), by
  /// bisection on ln σ (I decreases in σ).
  /// - Throws: `DatasetsError.invalidParameter` when the target is outside (0, H(q(X))).
  package func withNoise(forMutualInformationPerUnit target: Double) throws -> NoisyQuantizer {
    let top = levelEntropy
    guard target > 0, target < top - 1e-9 else {
      throw DatasetsError.invalidParameter(
        String(
          format: "MI per unit %g nats is outside (0, %.4f), the range of this %d-level quantiser", target, top,
          levels.count))
    }
    var lo = log(1e-6), hi = log(1e3)
    for _ in 0..<60 {
      let mid = 0.5 * (lo + hi)
      var candidate = self
      candidate.noise = exp(mid)
      if candidate.mutualInformationPerUnit > target { lo = mid } else { hi = mid }
    }
    var result = self
    result.noise = exp(0.5 * (lo + hi))
    return result
  }
}
