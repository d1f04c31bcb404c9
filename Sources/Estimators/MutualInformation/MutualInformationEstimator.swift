import Tensor

/// An estimator of I(X;Y) between two continuous variables given as paired samples.
/// Conformers: `KSG`, `EntropySumMI`, `GaussianMI`.
public protocol MutualInformationEstimator: Sendable, Codable {
  /// I(X;Y) in nats with its standard error; negative values are returned unclipped and flagged `.negative`.
  /// - Parameters:
  ///   - x: n×dx samples, one row per sample.
  ///   - y: n×dy samples; row i is paired with row i of `x`.
  func estimate(_ x: Matrix, _ y: Matrix) throws -> Estimate
}

/// Checks a pair of variables and prepares both (`Preprocessing.prepare`, streams 0 and 1).
func preparePair(_ x: Matrix, _ y: Matrix, _ preprocessing: Preprocessing) throws -> (Matrix, Matrix, [EstimateNote]) {
  try checkFinite(x, variable: "X")
  try checkFinite(y, variable: "Y")
  guard x.rows == y.rows else { throw EstimatorError.sampleCountMismatch(x: x.rows, y: y.rows) }
  let (px, nx) = try preprocessing.prepare(x, variable: "X", stream: 0)
  let (py, ny) = try preprocessing.prepare(y, variable: "Y", stream: 1)
  return (px, py, nx + ny)
}
