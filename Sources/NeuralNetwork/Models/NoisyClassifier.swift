import Foundation
import Tensor

/// A stochastic image classifier (docs/method.md §5, §10): `[N, C, H, W]` → log-probabilities `[N, classes]`, with
/// Gaussian noise at every learned layer's (or residual block's) input and named probes on the recorded outputs.
///
/// - `mnist-cnn` / `cifar-cnn` (docs/method.md §10.1, §10.2): three blocks Dropout → noise → Conv 3×3 → MaxPool 2 →
///   LeakyReLU(0.01) with C→8→16→32 channels (valid or 'same' padding), then noise → Linear(·, 32) → LeakyReLU and
///   noise → Linear(32, classes) → LogSoftmax. Probes `layer1`…`layer5` (the last two blocks' outputs flattened from
///   `layer3` on). For 1×28×28 and 10 classes `mnist-cnn` is exactly the paper's MNIST network.
/// - `resnet20` (He et al. 2016): noise → Conv 3×3 (C→16) → BN → ReLU (`stem`), nine `ResidualBlock`s (16, 32, 64
///   channels; stride 2 entering stages 2 and 3; `block1`…`block9`), global average pooling, noise →
///   Linear(64, classes) → LogSoftmax (`head`).
///
/// `probe` adds `softmax` = exp(log-probabilities).
@_spi(Benchmarks) public struct NoisyClassifier {
  /// The network; its probes are `architecture.probeNames` except `softmax`.
  @_spi(Benchmarks) public let network: Sequential
  /// Which classifier this is.
  @_spi(Benchmarks) public let architecture: ClassifierArchitecture
  /// Per-sample input shape `[C, H, W]`.
  @_spi(Benchmarks) public let inputShape: [Int]
  /// Number of classes (the output width).
  @_spi(Benchmarks) public let classes: Int
  package let noise: Noise
  package let dropout: Float

  /// - Parameters:
  ///   - architecture: which network (default: the paper's MNIST classifier).
  ///   - inputShape: per-sample `[C, H, W]`.
  ///   - classes: output classes, ≥ 2.
  ///   - noise: the noise on every learned layer's (block's) input (the paper: relative σ = 1e-3).
  ///   - noiseAtInference: keep the noise on in evaluation mode (the paper: yes).
  ///   - dropout: dropout before each conv block of the CNNs (the paper: 0.1); the ResNet has none.
  ///   - seed: seed of the PyTorch-style initialisation.
  /// - Throws: `NeuralNetworkError.inputShape` naming the layer when the images are too small for the network's
  ///   downsampling or not `[C, H, W]`; `.invalidSetting` for fewer than two classes.
  @_spi(Benchmarks) public init(
    _ architecture: ClassifierArchitecture = .mnistCNN, inputShape: [Int] = [1, 28, 28], classes: Int = 10,
    noise: Noise = .relative(sigma: 1e-3), noiseAtInference: Bool = true, dropout: Float = 0.1, seed: UInt64
  ) throws {
    guard classes >= 2 else {
      throw NeuralNetworkError.invalidSetting(name: "classes", value: "\(classes)", allowed: "≥ 2")
    }
    guard inputShape.count == 3, inputShape.allSatisfy({ $0 >= 1 }) else {
      throw NeuralNetworkError.inputShape(layer: architecture.rawValue, expected: "[C, H, W]", found: inputShape)
    }
    var rng = Xoshiro256(seed: seed)
    let n = { GaussianNoise(noise, activeAtInference: noiseAtInference) }
    switch architecture {
    case .mnistCNN, .cifarCNN:
      network = try Self.convolutional(
        padding: architecture == .mnistCNN ? .valid : .same, inputShape: inputShape, classes: classes,
        dropout: dropout, noise: n, using: &rng)
    case .resnet20:
      network = Self.resnet20(channels: inputShape[0], classes: classes, noise: n, using: &rng)
    }
    _ = try network.outputShape(for: inputShape)
    self.architecture = architecture
    self.inputShape = inputShape
    self.classes = classes
    self.noise = noise
    self.dropout = dropout
  }

  private static func convolutional(
    padding: Conv2d.Padding, inputShape: [Int], classes: Int, dropout: Float, noise n: () -> GaussianNoise,
    using rng: inout Xoshiro256
  ) throws -> Sequential {
    let leaky = Activation.leakyReLU(slope: 0.01)
    var convolutions = Sequential { net in
      for (index, (input, output)) in [(inputShape[0], 8), (8, 16), (16, 32)].enumerated() {
        net.append(
          Dropout(dropout), n(), Conv2d(input, output, kernelSize: 3, padding: padding, using: &rng), MaxPool2d(2),
          leaky)
        if index < 2 { net.probe("layer\(index + 1)") }
      }
      net.append(Flatten())  // layer3 is recorded flat: [N, 32·h·w]
      net.probe("layer3")
    }
    let flat = try convolutions.outputShape(for: inputShape)[0]
    convolutions.layers += [n(), Linear(flat, 32, using: &rng), leaky]
    convolutions.probes["layer4"] = convolutions.layers.count - 1
    convolutions.layers += [n(), Linear(32, classes, using: &rng), Activation.logSoftmax]
    convolutions.probes["layer5"] = convolutions.layers.count - 1
    return convolutions
  }

  private static func resnet20(channels: Int, classes: Int, noise n: () -> GaussianNoise, using rng: inout Xoshiro256)
    -> Sequential
  {
    Sequential { net in
      net.append(
        n(), Conv2d(channels, 16, kernelSize: 3, padding: .same, bias: false, using: &rng), BatchNorm(16),
        Activation.relu)
      net.probe("stem")
      var (input, index) = (16, 0)
      for width in [16, 32, 64] {
        for block in 0..<3 {
          let stride = block == 0 && width != 16 ? 2 : 1
          net.append(ResidualBlock(input, width, stride: stride, noise: n(), using: &rng))
          index += 1
          net.probe("block\(index)")
          input = width
        }
      }
      net.append(GlobalAveragePool(), n(), Linear(64, classes, using: &rng), Activation.logSoftmax)
      net.probe("head")
    }
  }

  /// The recorded outputs, in network order (`softmax` last).
  @_spi(Benchmarks) public var probeNames: [String] { architecture.probeNames }

  /// The probe outputs of `images` `[N, C, H, W]` in evaluation mode (dropout off, batch norm on running statistics,
  /// noise as configured), one noise realisation per sample; `softmax` is exp of the log-probabilities.
  /// - Throws: `NeuralNetworkError.inputShape` for images of another shape.
  @_spi(Benchmarks) public func probe(_ images: Tensor, names: [String]? = nil, batchSize: Int = 2048, seed: UInt64)
    throws -> [String: Tensor]
  {
    let names = names ?? probeNames
    let outputs = try network.outputs(for: images, probing: networkProbes(for: names), batchSize: batchSize, seed: seed)
    return requested(names, from: outputs)
  }

  /// `probe` in batches: hands each batch's probes (and `softmax`) to `body` with the index of its first sample, so
  /// the probes of many samples never need to be held at once. Same batches and noise as `probe`.
  /// - Throws: `NeuralNetworkError.inputShape` for images of another shape; whatever `body` throws.
  package func forEachProbeBatch(
    _ images: Tensor, names: [String]? = nil, batchSize: Int = 2048, seed: UInt64,
    _ body: (_ start: Int, _ probes: [String: Tensor]) throws -> Void
  ) throws {
    let names = names ?? probeNames
    try network.forEachBatch(of: images, probing: networkProbes(for: names), batchSize: batchSize, seed: seed) {
      start, outputs in try body(start, requested(names, from: outputs))
    }
  }

  /// The network's probes that give `names`: `softmax` is computed from the log-probabilities.
  private func networkProbes(for names: [String]) -> [String] {
    var wanted = names.filter { $0 != "softmax" }
    if names.contains("softmax"), !wanted.contains(architecture.logProbabilityProbe) {
      wanted.append(architecture.logProbabilityProbe)
    }
    return wanted
  }

  /// Exactly the probes `names` from the network's `outputs`: `softmax` = exp(log-probabilities) added, the model's
  /// `output` and log-probabilities not asked for dropped.
  private func requested(_ names: [String], from outputs: [String: Tensor]) -> [String: Tensor] {
    let logits = architecture.logProbabilityProbe
    var result = outputs
    result["output"] = nil
    if names.contains("softmax"), let logProbabilities = result[logits] {
      result["softmax"] = logProbabilities.map { Foundation.exp($0) }
      if !names.contains(logits) { result[logits] = nil }
    }
    return result
  }
}
