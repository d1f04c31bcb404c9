import Foundation
@_spi(Benchmarks) import NeuralNetwork
@_spi(Benchmarks) import Tensor

/// Trains an autoencoder compressor: convolutional for square power-of-two images `[n, 1, S, S]` (docs/method.md §6.1),
/// dense for vectors `[n, D]` (docs/method.md §6.4). L1 or MSE loss, Adam, noise on the input and the code as regularisers (training
/// only), seeded. The configuration holds only parameters (docs/architecture.md, Conventions §2); `fit` returns an `AutoencoderModel`.
/// `Autoencoder` pairs it with a code dimension as a `Compressor`.
package struct AutoencoderTraining: Sendable, Codable, Equatable {
  package var epochs: Int
  package var batchSize: Int
  /// Adam's learning rate at the start; it then follows a cosine from `learningRate` to `finalLearningRate`.
  package var learningRate: Float
  /// The learning rate of the last epoch (equal to `learningRate` for a constant rate).
  package var finalLearningRate: Float
  package var loss: LossFunction
  /// Additive Gaussian noise σ on the input during training (the paper's image AE: 0.1).
  package var inputNoise: Float
  /// Additive Gaussian noise σ on the code during training (the paper's image AE: 0.02).
  package var codeNoise: Float

  /// The defaults were tuned on the synthetic benchmark (docs/estimators.md, "Synthetic validation"): 6000 training images,
  /// batch 100, Adam 3e-3 annealed to 1e-4, instead of the paper's 2000 epochs at a constant 1e-3 with batch 5000.
  package init(
    epochs: Int = 40, batchSize: Int = 100, learningRate: Float = 3e-3, finalLearningRate: Float = 1e-4,
    loss: LossFunction = .l1, inputNoise: Float = 0.1, codeNoise: Float = 0.02
  ) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.finalLearningRate = finalLearningRate
    self.loss = loss
    self.inputNoise = inputNoise
    self.codeNoise = codeNoise
  }

  /// The learning rate of `epoch` (0-based) out of `epochs`: a cosine from `learningRate` to `finalLearningRate`.
  package func learningRate(epoch: Int) -> Float {
    guard epochs > 1 else { return learningRate }
    let progress = Double(min(max(epoch, 0), epochs - 1)) / Double(epochs - 1)
    let cosine = 0.5 * (1 + cos(Double.pi * progress))
    return Float(Double(finalLearningRate) + (Double(learningRate) - Double(finalLearningRate)) * cosine)
  }

  /// Checks the settings.
  /// - Throws: `CompressionError.invalidSetting` naming the setting and the allowed values.
  package func validate() throws {
    guard epochs >= 1 else { throw CompressionError.invalidSetting(name: "epochs", value: "\(epochs)", allowed: "≥ 1") }
    guard batchSize >= 1 else {
      throw CompressionError.invalidSetting(name: "batch size", value: "\(batchSize)", allowed: "≥ 1")
    }
    for (name, value) in [("learning rate", learningRate), ("final learning rate", finalLearningRate)] {
      guard value > 0, value.isFinite else {
        throw CompressionError.invalidSetting(name: name, value: "\(value)", allowed: "a finite value > 0")
      }
    }
    for (name, value) in [("input noise", inputNoise), ("code noise", codeNoise)] {
      guard value >= 0, value.isFinite else {
        throw CompressionError.invalidSetting(name: name, value: "\(value)", allowed: "a finite value ≥ 0")
      }
    }
    guard loss == .l1 || loss == .mse else {
      throw CompressionError.invalidSetting(name: "loss", value: loss.rawValue, allowed: "l1 or mse")
    }
  }

  /// Whether samples of `sampleShape` (without the batch dimension) get the convolutional autoencoder: `[1, S, S]`
  /// images with S a power of two ≥ 4. Any other shape gets the dense one, on the flattened samples.
  package static func isConvolutional(sampleShape: [Int]) -> Bool {
    sampleShape.count == 3 && sampleShape[0] == 1 && sampleShape[1] == sampleShape[2] && sampleShape[1] >= 4
      && sampleShape[1] & (sampleShape[1] - 1) == 0
  }

  /// Fits an autoencoder with a `latentDimension`-wide code on `x`.
  /// - Parameter x: `[n, 1, S, S]` images with S a power of two ≥ 4 (convolutional AE), or any other `[n, …]`
  ///   (dense AE on the flattened samples).
  /// - Parameter progress: called after each epoch with (epoch, mean training loss).
  /// - Throws: `CompressionError` for invalid sizes or settings, `NeuralNetworkError` for a non-finite loss.
  package func fit(
    _ x: Tensor, latentDimension: Int, seed: UInt64,
    progress: ((Int, Double) -> Void)? = nil
  ) throws -> AutoencoderModel {
    try validate()
    guard x.rank >= 2 else { throw CompressionError.shapeMismatch(expected: [-1, -1], found: x.shape) }
    let n = x.shape[0]
    let sampleShape = Array(x.shape.dropFirst())
    let dimension = sampleShape.reduce(1, *)
    guard latentDimension >= 1, latentDimension <= dimension else {
      throw CompressionError.componentCount(latentDimension, dimension: dimension)
    }
    guard n >= 2 else { throw CompressionError.tooFewSamples(n: n, needed: 2) }
    if let bad = x.scalars.firstIndex(where: { !$0.isFinite }) {
      throw CompressionError.nonFinite(row: bad / dimension, column: bad % dimension)
    }
    let architecture = try AutoencoderArchitecture(
      sampleShape: sampleShape, latent: latentDimension,
      inputNoise: inputNoise, codeNoise: codeNoise, seed: seed)
    let loader = try DataLoader(
      images: x, labels: [Int32](repeating: 0, count: n), classes: 1,
      batchSize: max(1, min(batchSize, n)), shuffle: true, seed: seed &+ 1)
    var trainer = Trainer(
      model: architecture.training,
      optimizer: Adam(
        parameters: architecture.training.namedParameters,
        learningRate: learningRate), lossFunction: loss, seed: seed &+ 2)
    for epoch in 0..<epochs {
      trainer.optimizer.learningRate = learningRate(epoch: epoch)
      let metrics = try trainer.trainEpoch(loader, epochs: epochs)
      progress?(epoch + 1, metrics.loss)
    }
    return AutoencoderModel(
      sampleShape: sampleShape, encoder: architecture.encoder, decoder: architecture.decoder,
      codeDimension: latentDimension)
  }
}

/// A trained autoencoder: `transform` gives the codes (evaluation mode: no noise, no dropout).
public struct AutoencoderModel: CompressionModel {
  package let sampleShape: [Int]
  package let encoder: Sequential
  package let decoder: Sequential
  /// Columns of the codes: the latent dimension the autoencoder was trained with.
  public let codeDimension: Int

  /// Codes of `x` `[n, …sampleShape]`: n × codeDimension.
  public func transform(_ x: Tensor) throws -> Matrix {
    guard Array(x.shape.dropFirst()) == sampleShape else {
      throw CompressionError.shapeMismatch(expected: sampleShape, found: Array(x.shape.dropFirst()))
    }
    guard let codes = try encoder.outputs(for: x, probing: [], batchSize: 1000)["output"] else {
      return Matrix.zeros(0, codeDimension)
    }
    return Matrix(rows: codes.shape[0], columns: codeDimension, scalars: codes.scalars.map(Double.init))
  }

  /// Mean absolute reconstruction error on `x` (held-out data tells whether the code generalises).
  package func reconstructionError(_ x: Tensor) throws -> Double {
    guard Array(x.shape.dropFirst()) == sampleShape else {
      throw CompressionError.shapeMismatch(expected: sampleShape, found: Array(x.shape.dropFirst()))
    }
    let codes = try encoder.outputs(for: x, probing: [], batchSize: 1000)["output"] ?? Tensor.zeros([0])
    let recon = try decoder.outputs(for: codes, probing: [], batchSize: 1000)["output"] ?? Tensor.zeros([0])
    var total = 0.0
    for (a, b) in zip(x.scalars, recon.scalars) { total += Double(abs(a - b)) }
    return total / Double(max(1, x.count))
  }
}

/// The two networks of docs/method.md §6.1 / §6.4 for a sample shape.
struct AutoencoderArchitecture {
  let encoder: Sequential
  let decoder: Sequential
  /// input noise → encoder → code noise → decoder.
  let training: Sequential

  init(sampleShape: [Int], latent: Int, inputNoise: Float, codeNoise: Float, seed: UInt64) throws {
    var rng = Xoshiro256(seed: seed)
    if AutoencoderTraining.isConvolutional(sampleShape: sampleShape) {
      // Convolutional (docs/method.md §6.1): B = log2(S) blocks take S×S to 1×1; filters 4, then 8.
      let size = sampleShape[1]
      let blocks = size.trailingZeroBitCount
      var down: [any Layer] = []
      var channels = 1
      for b in 0..<blocks {
        let out = b == 0 ? 4 : 8
        down += [
          Conv2d(channels, out, kernelSize: 3, padding: .same, using: &rng), BatchNorm(out),
          Activation.leakyReLU(slope: 0.2), MaxPool2d(2),
        ]
        channels = out
      }
      down += [Flatten(), Linear(channels, latent, using: &rng), Activation.tanh]
      var up: [any Layer] = [
        Linear(latent, 8, using: &rng), Reshape([8, 1, 1]), BatchNorm(8), Activation.leakyReLU(slope: 0.2),
      ]
      channels = 8
      for b in 0..<blocks {
        let out = b == blocks - 1 ? 4 : 8
        up += [
          Upsample(factor: 2), Conv2d(channels, out, kernelSize: 3, padding: .same, using: &rng), BatchNorm(out),
          Activation.leakyReLU(slope: 0.2),
        ]
        channels = out
      }
      up += [Conv2d(channels, 1, kernelSize: 3, padding: .same, using: &rng), Activation.sigmoid]
      encoder = Sequential(down)
      decoder = Sequential(up)
    } else {
      // Dense (docs/method.md §6.4): D → 24 → 16 → latent (sigmoid) and back, LeakyReLU between, linear output.
      let d = sampleShape.reduce(1, *)
      encoder = Sequential([
        Flatten(), Linear(d, 24, using: &rng), Activation.leakyReLU(slope: 0.01), Linear(24, 16, using: &rng),
        Activation.leakyReLU(slope: 0.01), Linear(16, latent, using: &rng), Activation.sigmoid,
      ])
      decoder = Sequential([
        Linear(latent, 16, using: &rng), Activation.leakyReLU(slope: 0.01), Linear(16, 24, using: &rng),
        Activation.leakyReLU(slope: 0.01), Linear(24, d, using: &rng), Reshape(sampleShape),
      ])
    }
    training = Sequential([
      GaussianNoise(.additive(sigma: inputNoise)), encoder, GaussianNoise(.additive(sigma: codeNoise)), decoder,
    ])
  }
}
