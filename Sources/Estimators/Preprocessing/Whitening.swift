import Foundation
import Tensor

/// Per-estimator whitening (METHOD.md §2): z = x·S with S = Σ̂^{-1/2} = V·diag(λ^{-1/2})·Vᵀ, Σ̂ the unbiased
/// sample covariance; the entropy correction is H(X) = H(Z) + ½·log det Σ̂.
struct Whitening {
  /// The whitened n×d samples.
  let whitened: Matrix
  /// log det Σ̂.
  let logDeterminant: Double

  /// - Throws: `.tooFewSamplesForCovariance` when n ≤ d; `.singularCovariance` when an eigenvalue is ≤ 0 or
  ///   below 1e-13 of the largest.
  init(_ x: Matrix, variable: String) throws {
    let n = x.rows, d = x.columns
    guard n > d else { throw EstimatorError.tooFewSamplesForCovariance(variable: variable, n: n, d: d) }
    let cov = covariance(x)
    let eigen = SymmetricEigen(symmetric: cov, dimension: d)
    let largest = eigen.values.max() ?? 0
    guard largest > 0, eigen.values.allSatisfy({ $0 > 1e-13 * largest }) else {
      throw EstimatorError.singularCovariance(variable: variable)
    }
    logDeterminant = eigen.values.reduce(0) { $0 + log($1) }
    var s = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
      for j in 0..<d {
        var acc = 0.0
        for l in 0..<d { acc += eigen.vectors[i * d + l] * eigen.vectors[j * d + l] / eigen.values[l].squareRoot() }
        s[i * d + j] = acc
      }
    }
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
