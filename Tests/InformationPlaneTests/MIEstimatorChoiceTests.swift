import Estimators
import Foundation
import Tensor
import Testing

@testable import InformationPlane

/// The `auto` rule: KSG for ≤ 2-D codes, WKL above unless flagged or failing (then KSG, noted), Ross for labels.
@Suite struct MIEstimatorChoiceTests {
  static func gaussianPair(n: Int, d: Int, rho: Double, seed: UInt64) -> (Matrix, Matrix) {
    var rng = Xoshiro256(seed: seed)
    var x = Matrix.zeros(n, d), y = Matrix.zeros(n, d)
    for i in 0..<(n * d) {
      x.scalars[i] = rng.nextGaussian()
      y.scalars[i] = rho * x.scalars[i] + (1 - rho * rho).squareRoot() * rng.nextGaussian()
    }
    return (x, y)
  }

  @Test func smallCodesUseKSGAndWiderOnesWKL() throws {
    let (x2, y2) = Self.gaussianPair(n: 2000, d: 2, rho: 0.6, seed: 1)
    #expect(try MIEstimatorChoice.auto.continuous(x2, y2, k: 5, seed: 3)
      == MIEstimatorChoice.ksg.continuous(x2, y2, k: 5, seed: 3))
    let (x4, y4) = Self.gaussianPair(n: 2000, d: 4, rho: 0.6, seed: 2)
    #expect(try MIEstimatorChoice.auto.continuous(x4, y4, k: 5, seed: 3)
      == MIEstimatorChoice.wkl.continuous(x4, y4, k: 5, seed: 3))
  }

  /// Saturated codes: L takes 3 values per coordinate (exact ties, jittered for WKL) — WKL's estimate is flagged
  /// degenerate, so `auto` returns KSG's (tie rule), says so, and stays near the truth H(q(X)) per coordinate.
  @Test func degenerateCodesFallBackToKSG() throws {
    var rng = Xoshiro256(seed: 5)
    let n = 4000, d = 3
    var x = Matrix.zeros(n, d), l = Matrix.zeros(n, d)
    for i in 0..<(n * d) {
      x.scalars[i] = rng.nextGaussian()
      l.scalars[i] = x.scalars[i] < -0.6745 ? -1 : (x.scalars[i] > 0.6745 ? 1 : 0)
    }
    let wkl = try MIEstimatorChoice.wkl.continuous(x, l, k: 5, seed: 3)
    #expect(wkl.notes.contains { if case .degenerate = $0 { true } else { false } }, "\(wkl)")
    let auto = try MIEstimatorChoice.auto.continuous(x, l, k: 5, seed: 3)
    #expect(auto.notes.first.map { if case .fallback(from: "wkl", to: "ksg", _) = $0 { true } else { false } } == true)
    let ksg = try MIEstimatorChoice.ksg.continuous(x, l, k: 5, seed: 3)
    #expect(auto.value == ksg.value && auto.standardError == ksg.standardError)
    #expect(LayerAnalysis.flags(auto, prefix: "I_XL") == ["I_XL:ksg-fallback"])
  }

  @Test func labelsUseRoss() throws {
    let (x, _) = Self.gaussianPair(n: 1000, d: 4, rho: 0, seed: 7)
    let labels = (0..<1000).map { Int32(x[$0, 0] > 0 ? 1 : 0) }
    #expect(try MIEstimatorChoice.auto.labels(x, labels, k: 5, seed: 1) == KSGLabelMI(k: 5).estimate(x, labels: labels))
  }
}
