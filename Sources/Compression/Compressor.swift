import Tensor

/// Learns a map from n samples of dimension D (rows of a `[n, …]` tensor, flattened) to n×c codes, c ≤ D.
/// Conformers: `PCA` and `Autoencoder`. The configuration holds only parameters; `fit` validates them and
/// returns a separate fitted model, so "transform before fit" cannot happen (docs/architecture.md, Conventions §2).
///
/// Inputs are Float32 tensors because compressors consume images and network activations; codes are Float64
/// matrices because estimators consume them.
public protocol Compressor: Codable, Sendable {
  associatedtype Model: CompressionModel
  /// Fits the compressor on `x` (`[n, …]`, rows are samples); randomness comes only from `seed`.
  func fit(_ x: Tensor, seed: UInt64) throws -> Model
}

/// A fitted compressor.
public protocol CompressionModel {
  /// Codes of `x` (`[n, …]` with the fitted sample shape): an n × `codeDimension` matrix.
  func transform(_ x: Tensor) throws -> Matrix
  var codeDimension: Int { get }
}

/// The codes of `x` (`[n, …]`) under `model`, or — without a model — `x` flattened to an n × D Float64 matrix.
/// - Throws: the model's `CompressionError`.
package func compressedCodes(_ x: Tensor, _ model: (any CompressionModel)?) throws -> Matrix {
  if let model { return try model.transform(x) }
  let n = x.shape.first ?? 0
  return Matrix(rows: n, columns: n == 0 ? 0 : x.count / n, scalars: x.scalars.map(Double.init))
}
