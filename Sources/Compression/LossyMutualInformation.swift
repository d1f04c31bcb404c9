import Estimators
import Tensor

/// Mutual information between high-dimensional variables through lossy compression (the paper's central idea,
/// docs/method.md §1 and §4.4): compress X and/or Y with fitted compressors, then estimate MI between the codes.
///
/// The compressors are fixed, pre-fitted maps (they are not refit inside `estimate`); nil uses a variable as it is
/// (flattened to n × D).
public struct LossyMutualInformation {
  /// The fitted compressor of X, or nil.
  public var compressX: (any CompressionModel)?
  /// The fitted compressor of Y, or nil.
  public var compressY: (any CompressionModel)?

  /// The fitted compressors of X and Y; nil uses that variable as it is, flattened to n × D.
  public init(compressX: (any CompressionModel)?, compressY: (any CompressionModel)? = nil) {
    self.compressX = compressX
    self.compressY = compressY
  }

  /// Î(X;Y) in nats between the codes of `x` and `y` (`[n, …]` each, row i paired with row i), by `estimator`.
  /// - Throws: `CompressionError` from the compressors, `EstimatorError` from the estimator.
  public func estimate(_ x: Tensor, _ y: Tensor, by estimator: some MutualInformationEstimator) throws -> Estimate {
    try estimator.estimate(compressedCodes(x, compressX), compressedCodes(y, compressY))
  }

  /// Î(X;Y) in nats for discrete labels Y (docs/method.md §4.2) between the code of `x` (`[n, …]`) and the n
  /// `labels`, by Ĥ(X) − Σ p(y)·Ĥ(X | y) with `entropy`.
  /// - Throws: `CompressionError` from the compressor, `EstimatorError` from the estimator.
  public func estimate(_ x: Tensor, labels: [Int32], entropy: some EntropyEstimator) throws -> Estimate {
    try LabelMI(entropy: entropy).estimate(compressedCodes(x, compressX), labels: labels)
  }
}
