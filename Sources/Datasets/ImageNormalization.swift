import Tensor

/// Pixel normalisation per channel, (x/255 − mean_c)/std_c, as torchvision's ToTensor + Normalize.
@_spi(Benchmarks) public struct ImageNormalization: Sendable, Equatable, Codable {
  /// Per-channel means in x/255 units; one value applies to every channel.
  package var means: [Float]
  /// Per-channel standard deviations in x/255 units, > 0; one value applies to every channel.
  package var stds: [Float]

  /// Normalisation by pixel `mean` and standard deviation `std` (x/255 units, pixels in [0, 1]) for every channel.
  @_spi(Benchmarks) public init(mean: Float, std: Float) {
    self.init(means: [mean], stds: [std])
  }

  /// Normalisation by one mean and standard deviation per channel (x/255 units); `means` and `stds` have the same
  /// length, 1 (every channel) or C.
  @_spi(Benchmarks) public init(means: [Float], stds: [Float]) {
    precondition(!means.isEmpty && means.count == stds.count, "one mean and one std per channel")
    self.means = means
    self.stds = stds
  }

  /// MNIST (docs/method.md §10.3).
  @_spi(Benchmarks) public static let mnist = ImageNormalization(mean: 0.1307, std: 0.3081)
  /// Fashion-MNIST's training-set pixel mean and standard deviation.
  @_spi(Benchmarks) public static let fashionMNIST = ImageNormalization(mean: 0.2860, std: 0.3530)
  /// CIFAR-10's per-channel (red, green, blue) statistics as the paper uses them (docs/method.md §10.3).
  @_spi(Benchmarks) public static let cifar10 = ImageNormalization(
    means: [0.4914, 0.4822, 0.4465], stds: [0.247, 0.243, 0.261])

  /// The per-channel pixel mean and standard deviation of `images` `[N, C, H, W]` themselves (for datasets without
  /// published statistics).
  /// - Returns: nil when every pixel of some channel has the same value (nothing to normalise by).
  package static func fitted(to images: Tensor) -> ImageNormalization? {
    guard images.rank == 4, images.count > 0 else { return nil }
    let (n, c, plane) = (images.shape[0], images.shape[1], images.shape[2] * images.shape[3])
    var means: [Float] = [], stds: [Float] = []
    images.scalars.withUnsafeBufferPointer { p in
      for channel in 0..<c {
        // Two passes in sample order (the mean, then the squared deviations), as for one channel before.
        var sum = 0.0
        for i in 0..<n {
          let base = (i * c + channel) * plane
          for j in 0..<plane { sum += Double(p[base + j]) }
        }
        let count = Double(n * plane)
        let mean = sum / count
        var squares = 0.0
        for i in 0..<n {
          let base = (i * c + channel) * plane
          for j in 0..<plane { squares += (Double(p[base + j]) - mean) * (Double(p[base + j]) - mean) }
        }
        means.append(Float(mean))
        stds.append(Float((squares / count).squareRoot()))
      }
    }
    guard stds.allSatisfy({ $0 > 0 }) else { return nil }
    return ImageNormalization(means: means, stds: stds)
  }

  /// Bytes 0…255 as normalised Floats with `shape` `[N, C, H, W]` (or `[N, H, W]` for one channel).
  @_spi(Benchmarks) public func callAsFunction(_ pixels: [UInt8], shape: [Int]) -> Tensor {
    var images = Tensor(shape: shape, scalars: pixels.map { Float($0) / 255 })
    normalize(&images)
    return images
  }

  /// Pixels already scaled to [0, 1] (as the IDX and shapes readers return them), normalised.
  package func callAsFunction(_ images: Tensor) -> Tensor {
    var copy = images
    normalize(&copy)
    return copy
  }

  /// Normalises `images` `[N, C, H, W]` (pixels in [0, 1]) in place; channel c uses the c-th mean and std, or the
  /// only ones.
  package func normalize(_ images: inout Tensor) {
    let channels = images.rank == 4 ? images.shape[1] : 1
    let plane = images.rank == 4 ? images.shape[2] * images.shape[3] : images.count / max(1, images.shape.first ?? 1)
    precondition(
      means.count == 1 || means.count == channels, "\(means.count) channel statistics for \(channels) channels")
    let scales = stds.map { 1 / $0 }
    let shifts = zip(means, stds).map { $0 / $1 }
    images.withMutableScalars { p in
      let blocks = p.count / max(1, plane)
      for block in 0..<blocks {
        let c = means.count == 1 ? 0 : block % channels
        let (scale, shift) = (scales[c], shifts[c])
        for j in (block * plane)..<((block + 1) * plane) { p[j] = p[j] * scale - shift }
      }
    }
  }
}
