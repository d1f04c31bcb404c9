import Tensor

/// An autoencoder as a `Compressor`: samples `[n, …]` to n × `codeDimension` codes, convolutional for square
/// power-of-two images `[n, 1, S, S]` and dense otherwise, trained as `training` says (docs/method.md §6.1, §6.4).
public struct Autoencoder: Compressor {
  /// Coordinates of the code, ≥ 1.
  public var codeDimension: Int
  /// Epochs, batch, learning-rate schedule, loss and regularising noise.
  package var training: AutoencoderTraining

  /// An autoencoder with a `codeDimension`-wide code and the default training (40 epochs, batch 100, Adam 3e-3
  /// annealed to 1e-4, L1 loss).
  public init(codeDimension: Int) {
    self.codeDimension = codeDimension
    self.training = AutoencoderTraining()
  }

  package init(codeDimension: Int, training: AutoencoderTraining) {
    self.codeDimension = codeDimension
    self.training = training
  }

  /// Trains on `x` (`[n, …]`, values of order 1: scale images to [0, 1]); randomness comes only from `seed`.
  /// - Throws: `CompressionError` for invalid sizes or settings, `NeuralNetworkError` for a non-finite loss.
  public func fit(_ x: Tensor, seed: UInt64) throws -> AutoencoderModel {
    try training.fit(x, latentDimension: codeDimension, seed: seed)
  }
}
