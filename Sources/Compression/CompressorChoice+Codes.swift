import Foundation
import Tensor

extension CompressorChoice {
  /// Fits this compressor (`pca` or `ae`) on `data` itself (`[n, …]`; a `[n]` tensor is one column) and returns the
  /// n × `dimension` codes with a summary: the lossy compression of docs/method.md §1, for `infoplane estimate`.
  /// The autoencoder sees the data rescaled to [0, 1] by its global minimum and maximum when it is an image batch
  /// (an invertible map, so the MI is unchanged; the convolutional AE has a sigmoid output), otherwise every column
  /// centred and the whole scaled to unit mean variance (also invertible; its training noise then acts on features
  /// of unit scale). AE progress goes to `progress` as (epoch, loss).
  /// - Throws: `CompressionError.nonFiniteVariable` naming `name`, row and column of a NaN/Inf; `.constantVariable`
  ///   for constant data given to an autoencoder; `.componentCount`, `.tooFewSamples`.
  package func codes(
    of data: Tensor, dimension: Int, name: String, seed: UInt64, training: AutoencoderTraining,
    progress: @escaping (_ epoch: Int, _ loss: Double) -> Void = { _, _ in }
  ) throws -> (Matrix, CompressionSummary) {
    var tensor = data
    if tensor.rank == 1 { tensor = tensor.reshaped([tensor.shape[0], 1]) }
    let n = tensor.shape.first ?? 0
    let inputDimension = n == 0 ? 0 : tensor.count / n
    if inputDimension > 0, let bad = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
      throw CompressionError.nonFiniteVariable(variable: name, row: bad / inputDimension, column: bad % inputDimension)
    }
    switch self {
    case .pca, .none:
      let model = try PCA(components: dimension).fit(tensor, seed: seed)
      let summary = CompressionSummary(
        method: .pca, inputDimension: inputDimension, codeDimension: dimension,
        explainedVarianceRatio: model.explainedVarianceRatio.reduce(0, +))
      return (try model.transform(tensor), summary)
    case .ae:
      let isImage = AutoencoderTraining.isConvolutional(sampleShape: Array(tensor.shape.dropFirst()))
      let scaled = try isImage ? Self.unitRange(tensor, name: name) : Self.standardized(tensor, name: name)
      let model = try training.fit(scaled, latentDimension: dimension, seed: seed, progress: progress)
      let summary = CompressionSummary(
        method: .ae, inputDimension: inputDimension, codeDimension: dimension,
        reconstructionError: try model.reconstructionError(scaled), autoencoder: isImage ? "convolutional" : "dense")
      return (try model.transform(scaled), summary)
    }
  }

  /// `x` mapped to [0, 1] by its global minimum and maximum.
  private static func unitRange(_ x: Tensor, name: String) throws -> Tensor {
    let low = x.scalars.min() ?? 0, high = x.scalars.max() ?? 0
    guard high > low else {
      throw CompressionError.constantVariable(variable: name, detail: " (every value is \(low))")
    }
    let scale = 1 / (high - low)
    return Tensor(shape: x.shape, scalars: x.scalars.map { ($0 - low) * scale })
  }

  /// Every (flattened) column of `x` centred, and all divided by one scale, the root mean square of the centred
  /// values: unit variance on average, while the columns keep their relative scales (as PCA sees them).
  private static func standardized(_ x: Tensor, name: String) throws -> Tensor {
    let n = x.shape[0], d = x.count / max(n, 1)
    var mean = [Double](repeating: 0, count: d)
    for i in 0..<n { for j in 0..<d { mean[j] += Double(x.scalars[i * d + j]) } }
    for j in 0..<d { mean[j] /= Double(max(n, 1)) }
    var sum = 0.0
    for i in 0..<n {
      for j in 0..<d {
        let v = Double(x.scalars[i * d + j]) - mean[j]
        sum += v * v
      }
    }
    guard sum > 0 else { throw CompressionError.constantVariable(variable: name, detail: " in every column") }
    let inverse = 1 / (sum / Double(max(x.count, 1))).squareRoot()
    var out = [Float](repeating: 0, count: x.count)
    for i in 0..<n { for j in 0..<d { out[i * d + j] = Float((Double(x.scalars[i * d + j]) - mean[j]) * inverse) } }
    return Tensor(shape: x.shape, scalars: out)
  }
}
