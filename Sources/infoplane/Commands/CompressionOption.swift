import ArgumentParser
import Foundation
import InfoPlane

/// `--compress-x` / `--compress-y` of `infoplane estimate`: lossy compression of one variable before estimating
/// (docs/method.md §1: MI between high-dimensional variables is estimated between low-dimensional codes).
/// Written `pca:N` (PCA to N components, centred, not whitened) or `ae:N` (an autoencoder with an N-wide code).
struct CompressionOption: ExpressibleByArgument, Equatable, CustomStringConvertible {
  enum Method: String { case pca, ae }

  let method: Method
  /// Code dimension, ≥ 1.
  let dimension: Int

  init(method: Method, dimension: Int) {
    self.method = method
    self.dimension = dimension
  }

  init?(argument: String) {
    let parts = argument.lowercased().split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let method = Method(rawValue: String(parts[0])), let dimension = Int(parts[1]),
      dimension >= 1
    else { return nil }
    self.init(method: method, dimension: dimension)
  }

  var description: String { "\(method.rawValue):\(dimension)" }

  static var defaultCompletionKind: CompletionKind { .list(["pca:4", "ae:4"]) }

  /// What a fitted compression did, for the text and JSON output.
  struct Summary {
    let option: CompressionOption
    let inputDimension: Int
    /// PCA: the fraction of the variance the components keep. AE: nil.
    let explainedVarianceRatio: Double?
    /// AE: mean |x − x̂| on the data the AE saw (images scaled to [0, 1], vectors centred and scaled). PCA: nil.
    let reconstructionError: Double?
    let autoencoderKind: String?

    var text: String {
      switch option.method {
      case .pca:
        String(format: "PCA %d → %d dimensions, keeping %.1f %% of the variance", inputDimension, option.dimension,
               100 * (explainedVarianceRatio ?? 0))
      case .ae:
        String(format: "%@ autoencoder %d → %d dimensions, mean |x − x̂| %.4f on the %@ data",
               autoencoderKind ?? "", inputDimension, option.dimension, reconstructionError ?? 0,
               autoencoderKind == "convolutional" ? "[0, 1]-scaled" : "centred, unit-variance")
      }
    }

    var json: [String: Any] {
      var object: [String: Any] = [
        "method": option.method.rawValue, "input_dimension": inputDimension, "code_dimension": option.dimension,
      ]
      if let explainedVarianceRatio { object["explained_variance_ratio"] = explainedVarianceRatio }
      if let reconstructionError { object["reconstruction_error"] = reconstructionError }
      if let autoencoderKind { object["autoencoder"] = autoencoderKind }
      return object
    }
  }

  /// Fits the compressor on `data` itself (`[n, …]`; a `[n]` array is one column) and returns the n × N codes.
  /// The autoencoder sees the data rescaled to [0, 1] by its global minimum and maximum (an invertible map, so the
  /// MI is unchanged; the convolutional AE has a sigmoid output), the dense one sees every column centred and the
  /// whole scaled to unit mean variance (also invertible; its training noise then acts on features of unit scale). Progress of AE training
  /// goes to `progress`.
  /// - Throws: `EstimatorError.nonFinite` naming the variable, row and column of a NaN/Inf; `CompressionError` (too
  ///   many components, too few samples); `InputError` for constant data given to an autoencoder.
  func codes(of data: NPYArray, name: String, seed: UInt64, training: AutoencoderTraining,
             progress: @escaping (String) -> Void) throws -> (Matrix, Summary) {
    var tensor = data.tensor()
    if tensor.rank == 1 { tensor = tensor.reshaped([tensor.shape[0], 1]) }
    let n = tensor.shape.first ?? 0
    let inputDimension = n == 0 ? 0 : tensor.count / n
    // The same message as for uncompressed data, naming the variable.
    if inputDimension > 0, let bad = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
      throw EstimatorError.nonFinite(variable: name, row: bad / inputDimension, column: bad % inputDimension)
    }
    switch method {
    case .pca:
      let model = try PCA(components: dimension).fit(tensor, seed: seed)
      let summary = Summary(option: self, inputDimension: inputDimension,
                            explainedVarianceRatio: model.explainedVarianceRatio.reduce(0, +),
                            reconstructionError: nil, autoencoderKind: nil)
      return (try model.transform(tensor), summary)
    case .ae:
      let isImage = AutoencoderTraining.isConvolutional(sampleShape: Array(tensor.shape.dropFirst()))
      let kind = isImage ? "convolutional" : "dense"
      let scaled = try isImage ? Self.unitRange(tensor, name: name) : Self.standardized(tensor, name: name)
      let started = Date()
      let model = try training.fit(scaled, latentDimension: dimension, seed: seed) { epoch, loss in
        guard epoch == 1 || epoch % 10 == 0 || epoch == training.epochs else { return }
        progress(String(format: "%@: %@ autoencoder epoch %d/%d  loss %.5f  (%.0f s)", name, kind, epoch,
                        training.epochs, loss, Date().timeIntervalSince(started)))
      }
      let summary = Summary(option: self, inputDimension: inputDimension, explainedVarianceRatio: nil,
                            reconstructionError: try model.reconstructionError(scaled), autoencoderKind: kind)
      return (try model.transform(scaled), summary)
    }
  }

  /// `x` mapped to [0, 1] by its global minimum and maximum.
  private static func unitRange(_ x: Tensor, name: String) throws -> Tensor {
    let low = x.scalars.min() ?? 0, high = x.scalars.max() ?? 0
    guard high > low else {
      throw InputError("\(name) is constant (every value is \(low)); there is nothing to compress.")
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
    guard sum > 0 else { throw InputError("\(name) is constant in every column; there is nothing to compress.") }
    let inverse = 1 / (sum / Double(max(x.count, 1))).squareRoot()
    var out = [Float](repeating: 0, count: x.count)
    for i in 0..<n { for j in 0..<d { out[i * d + j] = Float((Double(x.scalars[i * d + j]) - mean[j]) * inverse) } }
    return Tensor(shape: x.shape, scalars: out)
  }
}
