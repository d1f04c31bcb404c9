import Tensor

/// The input autoencoder of docs/method.md §6.3 (`MNIST_ConvEncoder(latent 4)` + `MNIST_ConvDecoder`) for images
/// `[N, C, H, W]` with H and W multiples of 4: `[N, C, H, W]` → code `[N, latent]` in (0, 1) → reconstruction.
///
/// Encoder: three blocks Dropout(0.1) → Conv 3×3 'same' → MaxPool 2 → LeakyReLU(0.01) with C→8→16→32 channels
/// (28 → 14 → 7 → 3), Flatten(32·⌊H/8⌋·⌊W/8⌋) → Linear(·, 128) → LeakyReLU → Linear(128, latent) → Sigmoid.
/// Relative noise σ = 0.1 on the code in training only. Decoder: Linear(latent, 128) → LeakyReLU →
/// Linear(128, 32·H/4·W/4) → LeakyReLU → 32×H/4×W/4 → Conv 32→16 → Upsample ×2 → LeakyReLU → Conv 16→8 → Upsample →
/// LeakyReLU → Conv 8→C. For 1×28×28 this is exactly the paper's MNIST autoencoder (288 and 1568 features); for
/// colour 32×32 images it is the same design at CIFAR-10's size (the paper's CIFAR-10 autoencoder is wider).
/// Train with L1 against the (normalised) input and Adam.
@_spi(Benchmarks) public struct ImageAutoencoder {
  package let encoder: Sequential
  package let decoder: Sequential
  /// encoder → latent noise → decoder; probe `code` is the noisy code (noise-free in evaluation mode).
  @_spi(Benchmarks) public let network: Sequential

  /// Per-sample input shape `[C, H, W]`.
  package let inputShape: [Int]

  /// - Throws: `NeuralNetworkError.inputShape` unless `inputShape` is `[C, H, W]` with H, W multiples of 4, ≥ 8.
  @_spi(Benchmarks) public init(
    inputShape: [Int] = [1, 28, 28], latent: Int = 4, codeNoise: Noise = .relative(sigma: 0.1), dropout: Float = 0.1,
    seed: UInt64
  ) throws {
    guard inputShape.count == 3, inputShape[0] >= 1, inputShape[1] >= 8, inputShape[2] >= 8,
      inputShape[1] % 4 == 0, inputShape[2] % 4 == 0
    else {
      throw NeuralNetworkError.inputShape(
        layer: "the input autoencoder", expected: "[C, H, W] with H and W multiples of 4, at least 8",
        found: inputShape)
    }
    self.inputShape = inputShape
    let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
    var rng = Xoshiro256(seed: seed)
    let slope: Float = 0.01
    encoder = Sequential([
      Dropout(dropout), Conv2d(c, 8, kernelSize: 3, padding: .same, using: &rng), MaxPool2d(2),
      Activation.leakyReLU(slope: slope),
      Dropout(dropout), Conv2d(8, 16, kernelSize: 3, padding: .same, using: &rng), MaxPool2d(2),
      Activation.leakyReLU(slope: slope),
      Dropout(dropout), Conv2d(16, 32, kernelSize: 3, padding: .same, using: &rng), MaxPool2d(2),
      Activation.leakyReLU(slope: slope),
      Flatten(), Linear(32 * (h / 8) * (w / 8), 128, using: &rng), Activation.leakyReLU(slope: slope),
      Linear(128, latent, using: &rng),
      Activation.sigmoid,
    ])
    decoder = Sequential([
      Linear(latent, 128, using: &rng), Activation.leakyReLU(slope: slope),
      Linear(128, 32 * (h / 4) * (w / 4), using: &rng),
      Activation.leakyReLU(slope: slope), Reshape([32, h / 4, w / 4]),
      Conv2d(32, 16, kernelSize: 3, padding: .same, using: &rng), Upsample(factor: 2),
      Activation.leakyReLU(slope: slope),
      Conv2d(16, 8, kernelSize: 3, padding: .same, using: &rng), Upsample(factor: 2),
      Activation.leakyReLU(slope: slope),
      Conv2d(8, c, kernelSize: 3, padding: .same, using: &rng),
    ])
    let (encoder, decoder) = (encoder, decoder)
    network = Sequential { net in
      net.append(encoder, GaussianNoise(codeNoise, activeAtInference: false))
      net.probe("code")
      net.append(decoder)
    }
  }

  /// The codes of `images` `[N, C, H, W]` in evaluation mode (no dropout, no noise): `[N, latent]`.
  /// - Throws: `NeuralNetworkError.inputShape` for images of another shape.
  package func encode(_ images: Tensor, batchSize: Int = 1024) throws -> Tensor {
    let out = try encoder.outputs(for: images, probing: [], batchSize: batchSize)
    guard let codes = out["output"] else { preconditionFailure("outputs(for:) always returns \"output\"") }
    return codes
  }
}
