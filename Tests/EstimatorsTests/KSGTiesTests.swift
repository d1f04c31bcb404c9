import Foundation
import Tensor
import Testing

@testable import Estimators

/// KSG on mixtures: Gao et al.'s zero-radius rule instead of jitter, and scale-free defaults.
@Suite struct KSGTiesTests {
  /// X uniform on m values and Y = X exactly: every ε_i = 0, k̃_i = n_c − 1 = n_x = n_y for a value held by n_c
  /// samples, so the per-sample term is ψ(n_c − 1) + ψ(n) − 2ψ(n_c) and the estimate ≈ ln m (truth H(X) = ln m).
  @Test func discreteCopyFollowsTieRule() throws {
    let m = 5, n = 5_000
    var rng = Xoshiro256(seed: 3)
    let values = (0..<n).map { _ in Double(rng.nextInt(below: m)) }
    let x = Matrix(rows: n, columns: 1, scalars: values)
    var counts = [Double: Int]()
    for v in values { counts[v, default: 0] += 1 }
    let psi = { (a: Int) in Digamma.value(Double(a)) }
    let expected = values.map { psi(counts[$0]! - 1) + psi(n) - 2 * psi(counts[$0]!) }.reduce(0, +) / Double(n)
    for algorithm in [KSG.Algorithm.one] {
      let e = try KSG(algorithm: algorithm).estimate(x, x)
      #expect(abs(e.value - expected) < 1e-10, "\(e)")
      #expect(abs(e.value - log(Double(m))) < 0.01)
      #expect(e.notes.contains(.tiesCounted(variable: "(X, Y)", share: 1)))
    }
  }

  /// Saturated units: X continuous, Y a 3-level quantiser of X at ±0.6745 (probabilities ¼, ½, ¼; exact ties in Y
  /// only). Ties sit in one marginal, ε_i stays positive, and the estimate approaches H(q(X)) = 1.5·ln 2.
  @Test func quantisedMarginalStaysBelowItsEntropy() throws {
    var rng = Xoshiro256(seed: 4)
    let n = 10_000
    let xs = (0..<n).map { _ in rng.nextGaussian() }
    let ys = xs.map { $0 < -0.6745 ? -1.0 : ($0 > 0.6745 ? 1.0 : 0.0) }
    let e = try KSG().estimate(Matrix(rows: n, columns: 1, scalars: xs), Matrix(rows: n, columns: 1, scalars: ys))
    #expect(abs(e.value - 1.5 * log(2.0)) <= 4 * e.standardError + 0.02, "\(e)")
    #expect(!e.isFlagged)
  }

  /// Scale-free by default: X at 10⁻³…10³ times its scale gives the same estimate (issue: 100× gave exactly 0).
  @Test(arguments: [1e-3, 1e-1, 10, 100, 1e3])
  func isScaleFree(scale: Double) throws {
    let (x, y) = Synthetic.correlatedGaussians(n: 4_000, d: 1, mi: 1, seed: 21)
    let base = try KSG().estimate(x, y)
    let scaled = Matrix(rows: x.rows, columns: 1, scalars: x.scalars.map { $0 * scale })
    let e = try KSG().estimate(scaled, y)
    #expect(abs(e.value - base.value) < 1e-9, "\(e.value) vs \(base.value)")
    #expect(abs(base.value - 1) <= 4 * base.standardError + 0.02)
  }

  /// Without standardisation the joint max-norm weighs the variables by their units: 1000× moves the estimate far
  /// from the unit-free one (the failure the default avoids).
  @Test func rawScaleShowsTheUnitProblem() throws {
    let (x, y) = Synthetic.correlatedGaussians(n: 4_000, d: 1, mi: 1, seed: 21)
    let scaled = Matrix(rows: x.rows, columns: 1, scalars: x.scalars.map { $0 * 1000 })
    let raw = try KSG(preprocessing: Preprocessing()).estimate(scaled, y), base = try KSG().estimate(x, y)
    #expect(base.value - raw.value > 10 * base.standardError, "\(raw) vs \(base)")
  }
}
