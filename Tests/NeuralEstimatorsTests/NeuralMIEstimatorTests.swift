import Estimators
import Foundation
import Tensor
import Testing

@testable import NeuralEstimators

/// The neural estimators on correlated Gaussians, whose MI is known in closed form.
@Suite struct NeuralMIEstimatorTests {
  /// n samples of a 2+2 Gaussian pair with per-coordinate correlation ρ chosen so that I(X;Y) = `mi`:
  /// I = −(d/2)·log(1 − ρ²) for d = 2 independent coordinate pairs.
  static func gaussian(mi: Double, n: Int, seed: UInt64) -> (Matrix, Matrix) {
    let rho = (1 - exp(-mi)).squareRoot()
    var rng = Xoshiro256(seed: seed)
    let zeros = [Double](repeating: 0, count: 2 * n)
    var x = Matrix(rows: n, columns: 2, scalars: zeros), y = Matrix(rows: n, columns: 2, scalars: zeros)
    for i in 0..<n {
      for c in 0..<2 {
        let a = rng.nextGaussian(), e = rng.nextGaussian()
        x[i, c] = a
        y[i, c] = rho * a + (1 - rho * rho).squareRoot() * e
      }
    }
    return (x, y)
  }

  /// At I = 1 nat, n = 10⁴: MINE and NWJ within max(0.15, 10 %) of the truth, InfoNCE within 0.15 below
  /// min(truth, log batch) (the issue's targets; seeded, so the numbers are fixed: MINE 0.998, NWJ 0.992, InfoNCE
  /// 0.99 when measured). Each is a lower bound: far above the truth would be a bug in the bound or the
  /// evaluation, not luck.
  @Test(arguments: VariationalBound.allCases) func correlatedGaussiansAtOneNat(_ bound: VariationalBound) throws {
    let (x, y) = Self.gaussian(mi: 1, n: 10_000, seed: 1)
    var estimator = NeuralMIEstimator(bound: bound)
    estimator.steps = bound == .infonce ? 300 : 1000
    estimator.evaluationInterval = bound == .infonce ? 30 : 100
    let result = try estimator.estimate(x, y)
    let value = result.estimate.value
    switch bound {
    case .mine, .nwj: #expect(abs(value - 1) <= 0.15, "\(bound): \(value)")
    case .infonce:
      #expect(value <= 1 + 3 * result.estimate.standardError && value >= 1 - 0.15, "\(value)")
      #expect(result.ceiling == log(64.0))
    }
    #expect(result.trajectory.count == 10)
  }

  /// Independent samples: every bound stays near 0 (within the tolerance above).
  @Test func independentSamplesGiveNearZero() throws {
    let (x, _) = Self.gaussian(mi: 1, n: 4000, seed: 2)
    let (_, y) = Self.gaussian(mi: 1, n: 4000, seed: 3)
    var estimator = NeuralMIEstimator(bound: .mine)
    estimator.steps = 300
    let value = try estimator.estimate(x, y).estimate.value
    #expect(abs(value) < 0.15, "\(value)")
  }

  /// The same seed gives the same number; settings out of range name the option.
  @Test func seededAndChecked() throws {
    let (x, y) = Self.gaussian(mi: 0.5, n: 2000, seed: 4)
    var estimator = NeuralMIEstimator(bound: .nwj)
    estimator.steps = 50
    estimator.batchSize = 128
    estimator.evaluationInterval = 10
    #expect(try estimator.estimate(x, y).estimate.value == estimator.estimate(x, y).estimate.value)
    estimator.learningRate = 0
    #expect(throws: NeuralEstimatorError.invalidSetting(name: "--neural-lr", value: "0.0", allowed: "> 0")) {
      try estimator.estimate(x, y)
    }
    estimator.learningRate = 1e-3
    estimator.batchSize = 1500
    #expect(throws: NeuralEstimatorError.self) { try estimator.estimate(x, y) }
  }

  /// A learning rate far too large blows the scores up: an error naming the step, never a number.
  @Test func divergenceIsAnError() throws {
    let (x, y) = Self.gaussian(mi: 4, n: 2000, seed: 5)
    var estimator = NeuralMIEstimator(bound: .nwj)
    estimator.steps = 200
    estimator.batchSize = 128
    estimator.learningRate = 1e6
    do {
      _ = try estimator.estimate(x, y)
      Issue.record("expected divergence")
    } catch let NeuralEstimatorError.diverged(bound, step, _) {
      #expect(bound == .nwj && step >= 1 && step <= 200)
    }
  }
}
