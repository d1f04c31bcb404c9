import Foundation
import Tensor
import Testing

@testable import NeuralNetwork

/// Noise and dropout: distributions against closed forms (tolerances from standard errors), seeds reproduce.
@Suite struct StochasticTests {
  @Test func standardNormalsHaveUnitMomentsAndGaussianShape() {
    let n = 200_000
    let z = standardNormals(count: n, seed: 9).scalars.map(Double.init)
    let mean = z.reduce(0, +) / Double(n)
    let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
    let fourth = z.reduce(0) { $0 + pow($1 - mean, 4) } / Double(n)
    // Standard errors: mean 1/√n, variance √(2/n), fourth moment √(96/n) for a standard normal.
    #expect(Swift.abs(mean) < 4 / Double(n).squareRoot())
    #expect(Swift.abs(variance - 1) < 4 * (2 / Double(n)).squareRoot())
    #expect(Swift.abs(fourth - 3) < 4 * (96 / Double(n)).squareRoot())
    // P(|Z| < 1) = 0.682689…, binomial standard error.
    let inside = Double(z.filter { Swift.abs($0) < 1 }.count) / Double(n)
    #expect(Swift.abs(inside - 0.682_689_5) < 4 * (0.6827 * 0.3173 / Double(n)).squareRoot())
    // The quadrants of the Box–Muller angle are balanced: cosine k and sine k of a block of 256 pairs
    // (elements 512b + k and 512b + 256 + k) are both positive with probability 1/4.
    let fullBlockPairs = n / 512 * 256
    let firstQuadrant = (0..<fullBlockPairs).filter { j in
      let (b, k) = (j / 256, j % 256)
      return z[512 * b + k] > 0 && z[512 * b + 256 + k] > 0
    }.count
    #expect(
      Swift.abs(Double(firstQuadrant) / Double(fullBlockPairs) - 0.25) < 4
        * (0.1875 / Double(fullBlockPairs)).squareRoot())
  }

  @Test func noiseIsReproducibleAndSeedDependent() {
    let x = Variable(Tensor(repeating: 2, shape: [64, 10]))
    let a = x.addingNoise(.relative(sigma: 0.1), seed: 5).value
    #expect(a == x.addingNoise(.relative(sigma: 0.1), seed: 5).value)
    #expect(a != x.addingNoise(.relative(sigma: 0.1), seed: 6).value)
  }

  @Test(arguments: [Noise.relative(sigma: 0.2), .additive(sigma: 0.3)])
  func noiseHasTheRequestedScale(noise: Noise) {
    let n = 50_000
    let x = Tensor(repeating: 3, shape: [n])
    let y = Variable(x).addingNoise(noise, seed: 11).value
    // Relative: y = x(1 + σε), sd = σ·x; additive: sd = σ.
    let expectedSD = Double(noise.sigma) * (noise == .relative(sigma: 0.2) ? 3 : 1)
    let diffs = y.scalars.map { Double($0) - 3 }
    let mean = diffs.reduce(0, +) / Double(n)
    let sd = (diffs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
    #expect(Swift.abs(mean) < 4 * expectedSD / Double(n).squareRoot())
    #expect(Swift.abs(sd / expectedSD - 1) < 4 / Double(2 * n).squareRoot())
  }

  @Test func dropoutZeroesTheRightFractionAndKeepsTheMean() {
    let n = 100_000
    let p: Float = 0.3
    let y = Variable(Tensor(repeating: 1, shape: [n])).dropout(probability: p, seed: 3).value
    let zeros = Double(y.scalars.filter { $0 == 0 }.count) / Double(n)
    #expect(Swift.abs(zeros - 0.3) < 4 * (0.21 / Double(n)).squareRoot())
    #expect(y.scalars.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.7) < 1e-6 })
  }

  @Test func layersFollowTheMode() {
    let x = Variable(Tensor(repeating: 1, shape: [8, 4]))
    var eval = ForwardContext(tape: nil, isTraining: false, seed: 1)
    #expect(Dropout(0.5).forward(x, context: &eval).value == x.value)
    #expect(GaussianNoise(.additive(sigma: 1)).forward(x, context: &eval).value == x.value)
    #expect(GaussianNoise(.additive(sigma: 1), activeAtInference: true).forward(x, context: &eval).value != x.value)
    var train = ForwardContext(tape: nil, isTraining: true, seed: 1)
    #expect(GaussianNoise(.additive(sigma: 1)).forward(x, context: &train).value != x.value)
    #expect(Dropout(0.5).forward(x, context: &train).value != x.value)
  }
}
