import Foundation
import Tensor

/// The stochastic MNIST classifier of docs/method.md §10.1 (Butakov et al. 2024, `MNIST_Classifier`), `[N, 1, 28, 28]` →
/// log-probabilities `[N, 10]`.
///
/// Three blocks Dropout → noise → Conv 3×3 (valid) → MaxPool 2 → LeakyReLU(0.01) with 1→8→16→32 channels, then
/// noise → Linear(32, 32) → LeakyReLU and noise → Linear(32, 10) → LogSoftmax. Probes `layer1`…`layer5` return the
/// recorded outputs (8×13×13, 16×5×5, 32, 32, 10); `probe` adds `softmax` = exp(layer5).
@_spi(Benchmarks) public struct MNISTClassifier {
  /// The network; its probes are `probeNames`.
  @_spi(Benchmarks) public let network: Sequential
  package let noise: Noise
  package let dropout: Float

  /// Per-sample input shape.
  package static let inputShape = [1, 28, 28]
  /// The recorded layers of docs/method.md §10.1, in order (`softmax` is derived from `layer5`).
  @_spi(Benchmarks) public static let probeNames = ["layer1", "layer2", "layer3", "layer4", "layer5", "softmax"]

  /// - Parameters:
  ///   - noise: the noise on every learned layer's input (the paper: relative σ = 1e-3).
  ///   - noiseAtInference: keep the noise on in evaluation mode (the paper: yes).
  ///   - dropout: dropout before each conv block (the paper: 0.1).
  ///   - seed: seed of the PyTorch-style initialisation.
  @_spi(Benchmarks) public init(
    noise: Noise = .relative(sigma: 1e-3), noiseAtInference: Bool = true, dropout: Float = 0.1, seed: UInt64
  ) {
    var rng = Xoshiro256(seed: seed)
    let n = { GaussianNoise(noise, activeAtInference: noiseAtInference) }
    let leaky = Activation.leakyReLU(slope: 0.01)
    network = Sequential { net in
      for (index, (input, output)) in [(1, 8), (8, 16), (16, 32)].enumerated() {
        net.append(Dropout(dropout), n(), Conv2d(input, output, kernelSize: 3, using: &rng), MaxPool2d(2), leaky)
        if index < 2 { net.probe("layer\(index + 1)") }
      }
      net.append(Flatten())  // layer3 is recorded flat: [N, 32]
      net.probe("layer3")
      net.append(n(), Linear(32, 32, using: &rng), leaky)
      net.probe("layer4")
      net.append(n(), Linear(32, 10, using: &rng), Activation.logSoftmax)
      net.probe("layer5")
    }
    self.noise = noise
    self.dropout = dropout
  }

  /// The layer outputs of `images` `[N, 1, 28, 28]` in evaluation mode (dropout off, noise as configured), one
  /// noise realisation per sample: `[N, 8, 13, 13]`, `[N, 16, 5, 5]`, `[N, 32]`, `[N, 32]`, `[N, 10]` and softmax.
  /// - Throws: `NeuralNetworkError.inputShape` for images that are not 1×28×28.
  @_spi(Benchmarks) public func probe(
    _ images: Tensor, names: [String] = probeNames, batchSize: Int = 2048, seed: UInt64
  ) throws
    -> [String: Tensor]
  {
    var wanted = names.filter { $0 != "softmax" }
    if names.contains("softmax"), !wanted.contains("layer5") { wanted.append("layer5") }
    var result = try network.outputs(for: images, probing: wanted, batchSize: batchSize, seed: seed)
    result["output"] = nil
    if names.contains("softmax"), let logits = result["layer5"] {
      result["softmax"] = logits.map { Foundation.exp($0) }
      if !names.contains("layer5") { result["layer5"] = nil }
    }
    return result
  }
}
