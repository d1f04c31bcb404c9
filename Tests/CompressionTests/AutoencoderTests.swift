import Foundation
import Tensor
import Testing

@testable import Compression

@Suite struct AutoencoderTests {
  /// n vectors in R^8 on a smooth 2-D manifold: x_j = sin(a_j·u + b_j·v + c_j) for u, v uniform in [0, 1].
  static func manifold(n: Int, seed: UInt64) -> Tensor {
    var rng = Xoshiro256(seed: seed)
    let a: [Double] = [1.0, 2.0, 0.5, -1.5, 0.0, 1.2, -0.7, 2.5]
    let b: [Double] = [0.0, 1.0, -2.0, 0.5, 1.8, -1.2, 2.2, 0.3]
    var values = [Float](repeating: 0, count: n * 8)
    for i in 0..<n {
      let (u, v) = (rng.nextUniform(), rng.nextUniform())
      for j in 0..<8 { values[i * 8 + j] = Float(sin(a[j] * u + b[j] * v + Double(j) * 0.4)) }
    }
    return Tensor(shape: [n, 8], scalars: values)
  }

  /// n S×S Gaussian blobs exp(−10·((x−u)² + (y−v)²)) on a [0, 1]² grid with (u, v) uniform (docs/method.md §7.3).
  static func blobs(n: Int, size: Int, seed: UInt64) -> Tensor {
    var rng = Xoshiro256(seed: seed)
    var values = [Float](repeating: 0, count: n * size * size)
    for i in 0..<n {
      let (u, v) = (rng.nextUniform(), rng.nextUniform())
      for r in 0..<size {
        for c in 0..<size {
          let (x, y) = (Double(c) / Double(size - 1), Double(r) / Double(size - 1))
          values[(i * size + r) * size + c] = Float(exp(-10 * ((x - u) * (x - u) + (y - v) * (y - v))))
        }
      }
    }
    return Tensor(shape: [n, 1, size, size], scalars: values)
  }

  /// The mean absolute deviation of `x` from its per-feature mean: the error of the best constant reconstruction
  /// under L1 up to the median/mean difference, a baseline a useful code must beat.
  static func constantBaseline(_ x: Tensor) -> Double {
    let n = x.shape[0], d = x.count / n
    var mean = [Double](repeating: 0, count: d)
    for i in 0..<n { for j in 0..<d { mean[j] += Double(x.scalars[i * d + j]) / Double(n) } }
    var total = 0.0
    for i in 0..<n { for j in 0..<d { total += abs(Double(x.scalars[i * d + j]) - mean[j]) } }
    return total / Double(n * d)
  }

  /// Dense AE (docs/method.md §6.4) on a 2-D manifold in R^8: the code has 2 sigmoid coordinates in (0, 1), training lowers the
  /// held-out reconstruction error well below the constant baseline, and more epochs beat one epoch.
  @Test func denseAutoencoderLearnsTheManifold() throws {
    let train = Self.manifold(n: 2000, seed: 1), test = Self.manifold(n: 500, seed: 2)
    let short = try AutoencoderTraining(epochs: 1, batchSize: 50).fit(train, latentDimension: 2, seed: 3)
    let long = try AutoencoderTraining(epochs: 60, batchSize: 50, learningRate: 1e-2, finalLearningRate: 1e-3)
      .fit(train, latentDimension: 2, seed: 3)
    let codes = try long.transform(test)
    #expect(codes.rows == 500 && codes.columns == 2 && long.codeDimension == 2)
    #expect(codes.scalars.allSatisfy { $0 > 0 && $0 < 1 })
    let baseline = Self.constantBaseline(test)
    let (before, after) = (try short.reconstructionError(test), try long.reconstructionError(test))
    #expect(after < 0.5 * baseline, "baseline \(baseline), trained \(after)")
    #expect(after < 0.8 * before, "one epoch \(before), sixty \(after)")
  }

  /// Conv AE (docs/method.md §6.1) on 8×8 blobs: B = 3 blocks reach 1×1, the code is tanh in (−1, 1), and the held-out
  /// reconstruction error falls well below the constant baseline.
  @Test func convolutionalAutoencoderLearnsBlobs() throws {
    let train = Self.blobs(n: 1000, size: 8, seed: 4), test = Self.blobs(n: 300, size: 8, seed: 5)
    let model = try AutoencoderTraining(epochs: 25, batchSize: 50, learningRate: 1e-2, finalLearningRate: 1e-3)
      .fit(train, latentDimension: 2, seed: 6)
    #expect(model.sampleShape == [1, 8, 8])
    let codes = try model.transform(test)
    #expect(codes.rows == 300 && codes.columns == 2)
    #expect(codes.scalars.allSatisfy { $0 > -1 && $0 < 1 })
    let baseline = Self.constantBaseline(test)
    let error = try model.reconstructionError(test)
    #expect(error < 0.5 * baseline, "baseline \(baseline), trained \(error)")
  }

  /// The same seed gives the same codes; another seed gives other weights.
  @Test func trainingIsSeeded() throws {
    let x = Self.manifold(n: 300, seed: 7)
    let training = AutoencoderTraining(epochs: 3, batchSize: 50)
    let a = try training.fit(x, latentDimension: 3, seed: 11).transform(x)
    let b = try training.fit(x, latentDimension: 3, seed: 11).transform(x)
    let c = try training.fit(x, latentDimension: 3, seed: 12).transform(x)
    #expect(a.scalars == b.scalars)
    #expect(a.scalars != c.scalars)
  }

  /// A cosine from the start rate to the final rate over the epochs.
  @Test func learningRateSchedule() {
    let training = AutoencoderTraining(epochs: 11, learningRate: 1e-2, finalLearningRate: 1e-4)
    #expect(abs(training.learningRate(epoch: 0) - 1e-2) < 1e-9)
    #expect(abs(training.learningRate(epoch: 10) - 1e-4) < 1e-9)
    #expect(abs(training.learningRate(epoch: 5) - (1e-2 + 1e-4) / 2) < 1e-7)
    #expect(training.learningRate(epoch: 3) > training.learningRate(epoch: 4))
    #expect(AutoencoderTraining(epochs: 1, learningRate: 5e-3).learningRate(epoch: 0) == 5e-3)
  }

  @Test func badInputThrows() throws {
    let x = Self.manifold(n: 50, seed: 8)
    #expect(throws: CompressionError.componentCount(9, dimension: 8)) {
      try AutoencoderTraining(epochs: 1).fit(x, latentDimension: 9, seed: 0)
    }
    #expect(throws: CompressionError.componentCount(0, dimension: 8)) {
      try AutoencoderTraining(epochs: 1).fit(x, latentDimension: 0, seed: 0)
    }
    #expect(throws: CompressionError.invalidSetting(name: "epochs", value: "0", allowed: "≥ 1")) {
      try AutoencoderTraining(epochs: 0).fit(x, latentDimension: 2, seed: 0)
    }
    #expect(
      throws: CompressionError.invalidSetting(name: "learning rate", value: "-1.0", allowed: "a finite value > 0")
    ) {
      try AutoencoderTraining(learningRate: -1).fit(x, latentDimension: 2, seed: 0)
    }
    #expect(throws: CompressionError.tooFewSamples(n: 1, needed: 2)) {
      try AutoencoderTraining(epochs: 1).fit(
        Tensor(shape: [1, 8], scalars: [Float](repeating: 0, count: 8)),
        latentDimension: 2, seed: 0)
    }
    var bad = x.scalars
    bad[3 * 8 + 5] = .nan
    #expect(throws: CompressionError.nonFinite(row: 3, column: 5)) {
      try AutoencoderTraining(epochs: 1).fit(Tensor(shape: [50, 8], scalars: bad), latentDimension: 2, seed: 0)
    }
    let model = try AutoencoderTraining(epochs: 1).fit(x, latentDimension: 2, seed: 0)
    #expect(throws: CompressionError.shapeMismatch(expected: [8], found: [4])) {
      try model.transform(Tensor(shape: [2, 4], scalars: [Float](repeating: 0, count: 8)))
    }
  }

  /// Every compressor conforms to `Compressor`: one generic path fits PCA and the autoencoder alike and gives n × c
  /// codes that the fitted model reproduces.
  @Test func everyCompressorConforms() throws {
    func codes(_ compressor: some Compressor, _ x: Tensor) throws -> (Matrix, Int) {
      let model = try compressor.fit(x, seed: 7)
      return (try model.transform(x), model.codeDimension)
    }
    let x = Self.manifold(n: 300, seed: 1)
    let (pca, pcaWidth) = try codes(PCA(components: 2), x)
    let (ae, aeWidth) = try codes(Autoencoder(codeDimension: 2, training: AutoencoderTraining(epochs: 2)), x)
    #expect(pca.rows == 300 && pca.columns == 2 && pcaWidth == 2)
    #expect(ae.rows == 300 && ae.columns == 2 && aeWidth == 2)
  }
}
