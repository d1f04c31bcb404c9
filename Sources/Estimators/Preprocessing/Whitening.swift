import Foundation
import Tensor

/// Per-estimator whitening (docs/method.md §2): z = x·W with W = D⁻¹·R^{-1/2}, where D = diag(σ̂ⱼ) holds the
/// columns' standard deviations and R = D⁻¹·Σ̂·D⁻¹ their correlation matrix (Σ̂ the unbiased sample covariance).
/// W differs from the symmetric Σ̂^{-1/2} only by a rotation, so Euclidean distances — all a k-NN estimator sees — are
/// the same; working on R keeps the eigen-decomposition and the rank test independent of the columns' units. The
/// entropy correction is H(X) = H(Z) + ½·log det Σ̂.
struct Whitening {
  /// The whitened n×d samples.
  let whitened: Matrix
  /// log det Σ̂.
  let logDeterminant: Double
  /// Eigenvalues of the correlation matrix R at least 1e-8 of the largest (d unless a standardised linear
  /// combination of the columns is (nearly) constant; rescaling a column does not change it).
  let effectiveRank: Int

  /// - Throws: `.tooFewSamplesForCovariance` when n ≤ d; `.singularCovariance` when a column is constant or an
  ///   eigenvalue of R is below 1e-13 of the largest.
  init(_ x: Matrix, variable: String) throws {
    let n = x.rows, d = x.columns
    let spectrum = try CovarianceSpectrum(x, variable: variable)
    logDeterminant = spectrum.logDeterminant
    effectiveRank = spectrum.effectiveRank(relativeThreshold: 1e-8)
    let s = spectrum.whiteningMatrix
    var z = [Double](repeating: 0, count: n * d)
    x.scalars.withUnsafeBufferPointer { xp in
      z.withUnsafeMutableBufferPointer { zp in
        for r in 0..<n {
          for j in 0..<d {
            var acc = 0.0
            for i in 0..<d { acc += xp[r &* d &+ i] * s[i &* d &+ j] }
            zp[r &* d &+ j] = acc
          }
        }
      }
    }
    whitened = Matrix(rows: n, columns: d, scalars: z)
  }
}

/// The sample covariance Σ̂ = D·R·D of n×d samples as column standard deviations D = diag(σ̂ⱼ) and the
/// eigen-decomposition of the correlation matrix R, with log det Σ̂; shared by whitening and the Gaussian fit.
/// Decomposing R rather than Σ̂ makes the singularity and rank tests scale-free: codes in units of 1e-5 next to codes
/// in units of 1 are not "rank-deficient".
struct CovarianceSpectrum {
  /// Eigen-decomposition of the d×d correlation matrix R.
  let eigen: SymmetricEigen
  /// σ̂ⱼ, the columns' standard deviations (ddof = 1).
  let scales: [Double]
  /// log det Σ̂ = log det R + 2·Σⱼ log σ̂ⱼ.
  let logDeterminant: Double

  /// - Throws: `.tooFewSamplesForCovariance` when n ≤ d; `.singularCovariance` when a column is constant or an
  ///   eigenvalue of R is ≤ 0 or below 1e-13 of the largest.
  init(_ x: Matrix, variable: String) throws {
    guard x.rows > x.columns else {
      throw EstimatorError.tooFewSamplesForCovariance(variable: variable, n: x.rows, d: x.columns)
    }
    let d = x.columns
    var r = covariance(x)
    let scales = (0..<d).map { r[$0 * d + $0].squareRoot() }
    guard scales.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw EstimatorError.singularCovariance(variable: variable)
    }
    for i in 0..<d { for j in 0..<d { r[i * d + j] /= scales[i] * scales[j] } }
    eigen = SymmetricEigen(symmetric: r, dimension: d)
    let largest = eigen.values.max() ?? 0
    guard largest > 0, eigen.values.allSatisfy({ $0 > 1e-13 * largest }) else {
      throw EstimatorError.singularCovariance(variable: variable)
    }
    self.scales = scales
    logDeterminant = eigen.values.reduce(0) { $0 + log($1) } + 2 * scales.reduce(0) { $0 + log($1) }
  }

  /// How many eigenvalues of R are at least `relativeThreshold` times the largest.
  func effectiveRank(relativeThreshold: Double) -> Int {
    let largest = eigen.values.max() ?? 0
    return eigen.values.filter { $0 >= relativeThreshold * largest }.count
  }

  /// W = D⁻¹·R^{-1/2}, d×d row-major: x·W has identity sample covariance.
  var whiteningMatrix: [Double] { scaled(rFunction { 1 / $0.squareRoot() }, rows: true, columns: false) }

  /// Σ̂⁻¹ = D⁻¹·R⁻¹·D⁻¹, d×d row-major.
  var precision: [Double] { scaled(rFunction { 1 / $0 }, rows: true, columns: true) }

  /// V·diag(f(λ))·Vᵀ for R's eigenpairs, d×d row-major.
  private func rFunction(_ f: (Double) -> Double) -> [Double] {
    let d = eigen.dimension
    let transformed = eigen.values.map(f)
    var m = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
      for j in 0..<d {
        var acc = 0.0
        for l in 0..<d { acc += eigen.vectors[i * d + l] * eigen.vectors[j * d + l] * transformed[l] }
        m[i * d + j] = acc
      }
    }
    return m
  }

  /// `m` with row i divided by σ̂ᵢ (`rows`) and column j by σ̂ⱼ (`columns`).
  private func scaled(_ m: [Double], rows: Bool, columns: Bool) -> [Double] {
    let d = eigen.dimension
    var out = m
    for i in 0..<d {
      for j in 0..<d {
        if rows { out[i * d + j] /= scales[i] }
        if columns { out[i * d + j] /= scales[j] }
      }
    }
    return out
  }
}

/// The unbiased (ddof = 1) sample covariance of n×d samples, d×d row-major. Precondition: n ≥ 2.
func covariance(_ x: Matrix) -> [Double] {
  let n = x.rows, d = x.columns
  var mean = [Double](repeating: 0, count: d)
  for r in 0..<n { for j in 0..<d { mean[j] += x.scalars[r * d + j] } }
  for j in 0..<d { mean[j] /= Double(n) }
  var cov = [Double](repeating: 0, count: d * d)
  x.scalars.withUnsafeBufferPointer { xp in
    for r in 0..<n {
      for i in 0..<d {
        let a = xp[r &* d &+ i] - mean[i]
        for j in i..<d { cov[i &* d &+ j] += a * (xp[r &* d &+ j] - mean[j]) }
      }
    }
  }
  for i in 0..<d {
    for j in i..<d {
      cov[i * d + j] /= Double(n - 1)
      cov[j * d + i] = cov[i * d + j]
    }
  }
  return cov
}
