import Datasets
import Estimators
import Foundation
import Tensor
import Testing

@_spi(Benchmarks) @testable import NeuralEstimators
@_spi(Benchmarks) @testable import NeuralNetwork

/// The separable critic: the paper's conv towers for images, none for vectors, and a bound trained through them.
@Suite struct CriticTests {
  /// ⌊log₂ min(H, W)⌋ − 2 conv blocks (at least one), 8 channels, so 16×16 and 32×32 images end at 8×4×4.
  @Test func towerDepthAndFeaturesFollowThePaper() {
    #expect(Critic.towerDepth(height: 32, width: 32) == 3)
    #expect(Critic.towerDepth(height: 16, width: 16) == 2)
    #expect(Critic.towerDepth(height: 28, width: 28) == 2)
    #expect(Critic.towerDepth(height: 8, width: 32) == 1)
    #expect(Critic.towerDepth(height: 4, width: 4) == 1)
    var rng = Xoshiro256(seed: 1)
    let images = Critic(xShape: [1, 16, 16], yShape: [3, 32, 32], width: 100, using: &rng)
    let x = Tensor.uniform([5, 1, 16, 16], low: 0, high: 1, using: &rng)
    let y = Tensor.uniform([5, 3, 32, 32], low: 0, high: 1, using: &rng)
    var context = ForwardContext(tape: nil, isTraining: false, seed: 0)
    #expect(images.features(x, tower: images.towerX, context: &context).shape == [5, 128])
    #expect(images.features(y, tower: images.towerY, context: &context).shape == [5, 128])
    #expect(images.scores(x: x, y: y, pairs: [(0, 0), (1, 4), (4, 1)], context: &context).shape == [3, 1])
    // Parameters: towers 1→8 (80) + 8→8 (584) and 3→8 (224) + 2 × 584; head 256→100→100→1.
    #expect(images.parameterCount == 80 + 584 + 224 + 2 * 584 + (256 * 100 + 100) + (100 * 100 + 100) + 101)
    #expect(Critic.defaultWidth(xShape: [1, 16, 16], yShape: [2]) == 100)
    #expect(Critic.defaultWidth(xShape: [4], yShape: [2]) == 400)
    let vectors = Critic(xShape: [2], yShape: [3], width: 7, using: &rng)
    #expect(vectors.towerX == nil && vectors.towerY == nil)
    #expect(vectors.parameterCount == (5 * 7 + 7) + (7 * 7 + 7) + 8)
  }

  /// A pair's score depends only on its own x and y: scoring the pairs of a batch at once equals scoring each pair
  /// alone (the towers see each sample once, the pairing re-uses its features).
  @Test func pairScoresDoNotMixSamples() {
    var rng = Xoshiro256(seed: 2)
    let critic = Critic(xShape: [1, 8, 8], yShape: [3], width: 16, using: &rng)
    let x = Tensor.uniform([4, 1, 8, 8], low: -1, high: 1, using: &rng)
    let y = Tensor.uniform([4, 3], low: -1, high: 1, using: &rng)
    var context = ForwardContext(tape: nil, isTraining: false, seed: 0)
    let pairs = [(0, 0), (1, 2), (3, 3), (2, 0)]
    let together = critic.scores(x: x, y: y, pairs: pairs, context: &context).value.scalars
    for (p, (i, j)) in pairs.enumerated() {
      let alone = critic.scores(
        x: x.selectingRows([i]), y: y.selectingRows([j]), pairs: [(0, 0)], context: &context)
      #expect(abs(alone.value.scalars[0] - together[p]) <= 1e-5 * max(1, abs(together[p])))
    }
  }

  /// Images are standardised by one mean and deviation over the training rows; vectors per column; anything else
  /// is flattened to vectors.
  @Test func standardisationByShape() {
    let images = Tensor(shape: [2, 4, 4], scalars: (0..<32).map(Float.init))
    let s = NeuralMIEstimator.standardized(images, by: [0, 1])
    #expect(s.shape == [2, 1, 4, 4])
    let mean = s.scalars.reduce(0, +) / 32, meanSquare = s.scalars.reduce(0) { $0 + $1 * $1 } / 32
    #expect(abs(mean) < 1e-5 && abs(meanSquare - 1) < 1e-4)
    let narrow = NeuralMIEstimator.standardized(
      Tensor(shape: [3, 2, 3], scalars: (0..<18).map(Float.init)), by: [0, 1, 2])
    #expect(narrow.shape == [3, 6])
  }

  /// MINE through the conv tower on 16×16 Gaussian-blob images (the paper's synthetic images) whose 2-D latents
  /// share 1 nat: the bound must learn most of it from raw pixels and cannot exceed the truth beyond its noise, and on
  /// independent images it must stay near 0. (Measured: see the expectations' messages.)
  @Test func mineReadsImagesThroughTheConvTower() throws {
    let task = SyntheticTask(kind: .blobs, imageSize: 16)
    var rng = Xoshiro256(seed: 5)
    let sample = try task.sample(mutualInformation: 1, count: 4000, using: &rng)
    var estimator = NeuralMIEstimator(bound: .mine)
    estimator.batchSize = 256
    estimator.steps = 800
    let result = try estimator.estimate(samples: sample.x, sample.y)
    let value = result.estimate.value
    #expect(value >= 0.6 && value <= 1 + 3 * result.estimate.standardError + 0.05, "\(value)")
    let independent = try task.sample(mutualInformation: 0, count: 4000, using: &rng)
    estimator.steps = 300
    let zero = try estimator.estimate(samples: independent.x, independent.y).estimate.value
    #expect(abs(zero) < 0.15, "\(zero)")
  }
}
