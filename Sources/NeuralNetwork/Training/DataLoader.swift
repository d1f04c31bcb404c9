import Tensor

/// Batches of a labelled data set, reshuffled each epoch from a seed (the same seed and epoch give the same order).
@_spi(Benchmarks) public struct DataLoader: Sendable {
  /// All samples `[N, …]`.
  package let images: Tensor
  /// One class index per sample.
  package let labels: [Int32]
  package let batchSize: Int
  package let shuffle: Bool
  package let seed: UInt64

  /// - Throws: `NeuralNetworkError.sampleCountMismatch`, `.labelOutOfRange` (with the 0-based sample) when a label
  ///   is outside `0..<classes`, `.invalidSetting` for a batch size below 1.
  @_spi(Benchmarks) public init(
    images: Tensor, labels: [Int32], classes: Int, batchSize: Int, shuffle: Bool, seed: UInt64
  ) throws {
    let n = images.shape.first ?? 0
    guard images.rank >= 2, n == labels.count else {
      throw NeuralNetworkError.sampleCountMismatch(images: n, labels: labels.count)
    }
    guard batchSize >= 1 else {
      throw NeuralNetworkError.invalidSetting(name: "batch size", value: "\(batchSize)", allowed: "≥ 1")
    }
    if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
      throw NeuralNetworkError.labelOutOfRange(index: bad, label: labels[bad], classes: classes)
    }
    self.images = images
    self.labels = labels
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.seed = seed
  }

  /// Number of samples.
  package var count: Int { labels.count }
  /// Per-sample shape.
  package var sampleShape: [Int] { Array(images.shape.dropFirst()) }
  /// Batches per epoch; the last one may be smaller (PyTorch's `drop_last=False`).
  package var batchCount: Int { (count + batchSize - 1) / batchSize }

  /// The sample order of `epoch` (0-based): a seeded permutation when shuffling, else `0..<N`.
  @_spi(Benchmarks) public func order(epoch: Int) -> [Int] {
    guard shuffle else { return Array(0..<count) }
    var rng = Xoshiro256(seed: mixSeed(seed, UInt64(epoch)))
    return rng.permutation(count)
  }

  /// Batch `index` (0-based) of an epoch whose order is `order`.
  @_spi(Benchmarks) public func batch(_ index: Int, order: [Int]) -> (images: Tensor, labels: [Int32]) {
    let range = (index * batchSize)..<min(count, (index + 1) * batchSize)
    return gather(Array(order[range]))
  }

  /// The samples at `indices`, in that order.
  package func gather(_ indices: [Int]) -> (images: Tensor, labels: [Int32]) {
    (images.selectingRows(indices), indices.map { labels[$0] })
  }
}
