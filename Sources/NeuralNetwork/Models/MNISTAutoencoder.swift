import Tensor

/// The MNIST input autoencoder of docs/method.md §6.3 (`MNIST_ConvEncoder(latent 4)` + `MNIST_ConvDecoder`):
/// `[N, 1, 28, 28]` → code `[N, latent]` in (0, 1) → reconstruction `[N, 1, 28, 28]`.
///
/// Encoder: three blocks Dropout(0.1) → Conv 3×3 'same' → MaxPool 2 → LeakyReLU(0.01) with 1→8→16→32 channels
/// (28 → 14 → 7 → 3), Flatten(288) → Linear(288, 128) → LeakyReLU → Linear(128, latent) → Sigmoid.
/// Relative noise σ = 0.1 on the code in training only. Decoder: Linear(latent, 128) → LeakyReLU → Linear(128, 1568)
/// → LeakyReLU → 32×7×7 → Conv 32→16 → Upsample ×2 → LeakyReLU → Conv 16→8 → Upsample → LeakyReLU → Conv 8→1.
/// Train with L1 against the (normalised) input and Adam.
package struct MNISTAutoencoder {
  package let encoder: Sequential
  package let decoder: Sequential
  /// encoder → latent noise → decoder; probe `code` is the noisy code (noise-free in evaluation mode).
  package let network: Sequential

  package init(latent: Int = 4, codeNoise: Noise = .relative(sigma: 0.1), dropout: Float = 0.1, seed: UInt64) {
    var rng = Xoshiro256(seed: seed)
    let slope: Float = 0.01
    encoder = Sequential([
      Dropout(dropout), Conv2d(1, 8, kernelSize: 3, padding: .same, using: &rng), MaxPool2d(2),
      Activation.leakyReLU(slope: slope),
      Dropout(dropout), Conv2d(8, 16, kernelSize: 3, padding: .same, using: &rng), MaxPool2d(2),
      Activation.leakyReLU(slope: slope),
      Dropout(dropout), Conv2d(16, 32, kernelSize: 3, padding: .same, using: &rng), MaxPool2d(2),
      Activation.leakyReLU(slope: slope),
      Flatten(), Linear(288, 128, using: &rng), Activation.leakyReLU(slope: slope), Linear(128, latent, using: &rng),
      Activation.sigmoid,
    ])
    decoder = Sequential([
      Linear(latent, 128, using: &rng), Activation.leakyReLU(slope: slope), Linear(128, 1568, using: &rng),
      Activation.leakyReLU(slope: slope), Reshape([32, 7, 7]),
      Conv2d(32, 16, kernelSize: 3, padding: .same, using: &rng), Upsample(factor: 2),
      Activation.leakyReLU(slope: slope),
      Conv2d(16, 8, kernelSize: 3, padding: .same, using: &rng), Upsample(factor: 2),
      Activation.leakyReLU(slope: slope),
      Conv2d(8, 1, kernelSize: 3, padding: .same, using: &rng),
    ])
    let (encoder, decoder) = (encoder, decoder)
    network = Sequential { net in
      net.append(encoder, GaussianNoise(codeNoise, activeAtInference: false))
      net.probe("code")
      net.append(decoder)
    }
  }

  /// The codes of `images` `[N, 1, 28, 28]` in evaluation mode (no dropout, no noise): `[N, latent]`.
  /// - Throws: `NeuralNetworkError.inputShape` for images that are not 1×28×28.
  package func encode(_ images: Tensor, batchSize: Int = 1024) throws -> Tensor {
    let out = try encoder.outputs(for: images, probing: [], batchSize: batchSize)
    guard let codes = out["output"] else { preconditionFailure("outputs(for:) always returns \"output\"") }
    return codes
  }
}
