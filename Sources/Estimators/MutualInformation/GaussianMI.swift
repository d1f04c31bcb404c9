import Foundation
import Tensor

/// MI of a jointly Gaussian fit: Î = ½·(log det Σ̂_X + log det Σ̂_Y − log det Σ̂_XY), unbiased covariances.
///
/// Exact for Gaussian data up to sampling error, a lower bound-like baseline otherwise. The standard error is
/// std_i of the per-sample log-density ratio log p̂(x_i, y_i)/(p̂(x_i)·p̂(y_i)) of the fitted Gaussians over √n.
public struct GaussianMI: MutualInformationEstimator {
  /// Checks and optional standardisation or tie jitter applied to X and Y first.
  public var preprocessing: Preprocessing

  /// Tie-breaking is off by default: duplicates do not harm a covariance.
  public init(preprocessing: Preprocessing = Preprocessing(breakTies: false)) { self.preprocessing = preprocessing }

  /// - Throws: `EstimatorError` for non-finite values, mismatched rows, n ≤ dx + dy, singular covariances.
  public func estimate(_ x: Matrix, _ y: Matrix) throws -> Estimate {
    let (px, py, notes) = try preparePair(x, y, preprocessing)
    let joint = px.concatenatingColumns(py)
    let fx = try GaussianFit(px, variable: "X")
    let fy = try GaussianFit(py, variable: "Y")
    let fxy = try GaussianFit(joint, variable: "(X, Y)")
    let terms = (0..<px.rows).map { i in
      fxy.logDensity(joint, row: i) - fx.logDensity(px, row: i) - fy.logDensity(py, row: i)
    }
    let value = 0.5 * (fx.logDeterminant + fy.logDeterminant - fxy.logDeterminant)
    return Estimate(value: value, standardError: meanAndStandardError(terms).standardError, notes: notes)
      .checkingBounds()
  }
}

/// A fitted multivariate normal: mean, Σ̂⁻¹ and log det Σ̂.
struct GaussianFit {
  let mean: [Double]
  let precision: [Double]
  let logDeterminant: Double
  let d: Int

  init(_ x: Matrix, variable: String) throws {
    let n = x.rows
    d = x.columns
    let d = self.d
    mean = (0..<d).map { j in (0..<n).reduce(0) { $0 + x.scalars[$1 * d + j] } / Double(n) }
    let spectrum = try CovarianceSpectrum(x, variable: variable)
    logDeterminant = spectrum.logDeterminant
    precision = spectrum.precision
  }

  /// The log-density of the fitted normal at sample `r` of `x`.
  func logDensity(_ x: Matrix, row r: Int) -> Double {
    var q = 0.0
    for i in 0..<d {
      let a = x.scalars[r * d + i] - mean[i]
      for j in 0..<d { q += a * precision[i * d + j] * (x.scalars[r * d + j] - mean[j]) }
    }
    return -0.5 * (q + logDeterminant + Double(d) * log(2 * Double.pi))
  }
}
