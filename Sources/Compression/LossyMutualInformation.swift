import Estimators
import Tensor

/// Mutual information between high-dimensional variables through lossy compression (the paper's central idea,
/// docs/method.md §1 and §4.4): compress X and/or Y with fitted compressors, then estimate MI between the codes.
///
/// The compressors are fixed, pre-fitted maps (they are not refit inside `estimate`); pass nil to use a variable
/// as it is (flattened to n × D).
public struct LossyMutualInformation<Estimator: MutualInformationEstimator> {
  public var compressX: (any CompressionModel)?
  public var compressY: (any CompressionModel)?
  public var estimator: Estimator

  public init(compressX: (any CompressionModel)?, compressY: (any CompressionModel)?, estimator: Estimator) {
    self.compressX = compressX
    self.compressY = compressY
    self.estimator = estimator
  }

  /// Î(X;Y) in nats between the codes of `x` and `y` (`[n, …]` each, row i paired with row i).
  /// - Throws: `CompressionError` from the compressors, `EstimatorError` from the estimator.
  public func estimate(_ x: Tensor, _ y: Tensor) throws -> Estimate {
    try estimator.estimate(compressedCodes(x, compressX), compressedCodes(y, compressY))
  }

}

extension LossyMutualInformation {
  /// Î(X;Y) for discrete labels Y (docs/method.md §4.2) between the code of `x` and `labels`, using `entropy`.
  public static func estimate<E: EntropyEstimator>(
    _ x: Tensor, compressedBy model: (any CompressionModel)?, labels: [Int32], entropy: E
  ) throws -> Estimate {
    try LabelMI(entropy: entropy).estimate(compressedCodes(x, model), labels: labels)
  }
}
