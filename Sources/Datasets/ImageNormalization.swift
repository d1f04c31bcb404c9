import Tensor

/// Pixel normalisation (x/255 − mean)/std, as torchvision's ToTensor + Normalize.
@_spi(Benchmarks) public struct ImageNormalization: Sendable, Equatable, Codable {
  package var mean: Float
  package var std: Float

  /// Normalisation by pixel `mean` and standard deviation `std`, both in x/255 units (pixels in [0, 1]).
  @_spi(Benchmarks) public init(mean: Float, std: Float) {
    self.mean = mean
    self.std = std
  }

  /// MNIST (docs/method.md §10.3).
  @_spi(Benchmarks) public static let mnist = ImageNormalization(mean: 0.1307, std: 0.3081)
  /// Fashion-MNIST's training-set pixel mean and standard deviation.
  @_spi(Benchmarks) public static let fashionMNIST = ImageNormalization(mean: 0.2860, std: 0.3530)

  /// The pixel mean and standard deviation of `images` themselves (for datasets without published statistics).
  /// - Returns: nil when every pixel has the same value (nothing to normalise by).
  package static func fitted(to images: Tensor) -> ImageNormalization? {
    let values = images.scalars
    guard !values.isEmpty else { return nil }
    let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
    guard variance > 0 else { return nil }
    return ImageNormalization(mean: Float(mean), std: Float(variance.squareRoot()))
  }

  /// Bytes 0…255 as normalised Floats with `shape`.
  @_spi(Benchmarks) public func callAsFunction(_ pixels: [UInt8], shape: [Int]) -> Tensor {
    let (scale, shift) = (1 / (255 * std), mean / std)
    return Tensor(shape: shape, scalars: pixels.map { Float($0) * scale - shift })
  }

  /// Pixels already scaled to [0, 1] (as the IDX and shapes readers return them), normalised.
  package func callAsFunction(_ images: Tensor) -> Tensor {
    let (scale, shift) = (1 / std, mean / std)
    return images.map { $0 * scale - shift }
  }
}
