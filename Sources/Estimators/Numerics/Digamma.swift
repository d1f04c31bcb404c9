import Foundation

/// The digamma function ψ(x) = d/dx log Γ(x), for the k-NN estimators.
enum Digamma {
  static let eulerGamma = 0.57721566490153286061

  /// ψ(x) for real x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series
  /// ψ(x) ≈ log x − 1/(2x) − Σ B₂ₙ/(2n·x²ⁿ) to x⁻¹⁴ (truncation error < 1e-16 for x ≥ 10).
  static func value(_ x: Double) -> Double {
    precondition(x > 0, "digamma needs x > 0, got \(x)")
    var x = x
    var shift = 0.0
    while x < 10 {
      shift -= 1 / x
      x += 1
    }
    let inv = 1 / x, inv2 = inv * inv
    // Bernoulli terms B2n/(2n): 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760, 1/12.
    let series =
      inv2
      * (1.0 / 12
        - inv2
        * (1.0 / 120
          - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 / 12))))))
    return shift + log(x) - 0.5 * inv - series
  }

  /// ψ(m) for the integers m = 0…count at index m (ψ(0) = −∞ is never used by the estimators).
  static func integerTable(upTo count: Int) -> [Double] {
    var table = [Double](repeating: -.infinity, count: max(1, count + 1))
    if count >= 1 { for m in 1...count { table[m] = value(Double(m)) } }
    return table
  }
}
