import Foundation
import Tensor

/// Per-estimator whitening (docs/method.md §2): z = x·S with S = Σ̂^{-1/2} = V·diag(λ^{-1/2})·Vᵀ, Σ̂ the unbiased
/// sample covariance; the entropy correction is H(X) = H(Z) + ½·log det Σ̂.
struct Whitening {
  /// The whitened n×d samples.
  let whitened: Matrix
  /// log det Σ̂.
  let logDeterminant: Double
  /// Eigenvalues of Σ̂ at least 1e-8 of the largest (d for a well-conditioned covariance).
  let effectiveRank: Int

  /// - Throws: `.tooFewSamplesForCovariance` when n ≤ d; `.singularCovariance` when an eigenvalue is ≤ 0 or
  ///   below 1e-13 of the largest.
  init(_ x: Matrix, variable: String) throws {
    let n = x.rows, d = x.columns
    let spectrum = try CovarianceSpectrum(x, variable: variable)
    logDeterminant = spectrum.logDeterminant
    let largest = spectrum.eigen.values.max() ?? 0
    effectiveRank = spectrum.eigen.values.filter { $0 >= 1e-8 * largest }.count
    let s = spectrum.function { 1 / $0.squareRoot() }
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

/// The eigen-decomposition of a non-singular sample covariance Σ̂ and log det Σ̂, shared by whitening and the Gaussian
/// fit.
struct CovarianceSpectrum {
  let eigen: SymmetricEigen
  let logDeterminant: Double

  /// - Throws: `.tooFewSamplesForCovariance` when n ≤ d; `.singularCovariance` when an eigenvalue is ≤ 0 or below
  ///   1e-13 of the largest.
  init(_ x: Matrix, variable: String) throws {
    guard x.rows > x.columns else {
      throw EstimatorError.tooFewSamplesForCovariance(variable: variable, n: x.rows, d: x.columns)
    }
    eigen = SymmetricEigen(symmetric: covariance(x), dimension: x.columns)
    let largest = eigen.values.max() ?? 0
    guard largest > 0, eigen.values.allSatisfy({ $0 > 1e-13 * largest }) else {
      throw EstimatorError.singularCovariance(variable: variable)
    }
    logDeterminant = eigen.values.reduce(0) { $0 + log($1) }
  }

  /// V·diag(f(λ))·Vᵀ, d×d row-major (f = 1/√λ gives Σ̂^{-1/2}, f = 1/λ gives Σ̂⁻¹).
  func function(_ f: (Double) -> Double) -> [Double] {
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
