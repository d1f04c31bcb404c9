import Foundation

/// Eigen-decomposition of a real symmetric matrix, A = V·diag(λ)·Vᵀ, by the cyclic Jacobi method.
///
/// Accurate to a few ulps for the small matrices of the estimators (whitening, d ≲ 64) and of PCA's
/// Rayleigh–Ritz step. Eigenvalues are sorted in descending order; column j of `vectors` belongs to `values[j]`.
/// - Complexity: O(d³) per sweep, typically 6–10 sweeps.
package struct SymmetricEigen: Sendable {
  /// Eigenvalues, largest first.
  package let values: [Double]
  /// d×d row-major orthogonal matrix of eigenvectors (columns).
  package let vectors: [Double]
  package let dimension: Int

  /// Decomposes the d×d row-major symmetric `matrix` (only its symmetric part is used).
  package init(symmetric matrix: [Double], dimension d: Int) {
    precondition(matrix.count == d * d, "SymmetricEigen needs \(d * d) entries, got \(matrix.count)")
    var a = matrix
    for r in 0..<d {
      for c in (r + 1)..<max(d, r + 1) {
        let m = 0.5 * (a[r * d + c] + a[c * d + r])
        a[r * d + c] = m
        a[c * d + r] = m
      }
    }
    var v = [Double](repeating: 0, count: d * d)
    for i in 0..<d { v[i * d + i] = 1 }
    for _ in 0..<100 {
      var off = 0.0
      var diag = 0.0
      for r in 0..<d {
        diag += a[r * d + r] * a[r * d + r]
        for c in (r + 1)..<max(d, r + 1) { off += a[r * d + c] * a[r * d + c] }
      }
      if off <= 1e-30 * max(diag, Double.leastNormalMagnitude) { break }
      for p in 0..<d {
        for q in (p + 1)..<max(d, p + 1) {
          let apq = a[p * d + q]
          if apq == 0 { continue }
          let theta = (a[q * d + q] - a[p * d + p]) / (2 * apq)
          let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot()
          let s = t * c
          for k in 0..<d {
            let akp = a[k * d + p], akq = a[k * d + q]
            a[k * d + p] = c * akp - s * akq
            a[k * d + q] = s * akp + c * akq
          }
          for k in 0..<d {
            let apk = a[p * d + k], aqk = a[q * d + k]
            a[p * d + k] = c * apk - s * aqk
            a[q * d + k] = s * apk + c * aqk
          }
          for k in 0..<d {
            let vkp = v[k * d + p], vkq = v[k * d + q]
            v[k * d + p] = c * vkp - s * vkq
            v[k * d + q] = s * vkp + c * vkq
          }
        }
      }
    }
    let order = (0..<d).sorted { a[$0 * d + $0] > a[$1 * d + $1] }
    values = order.map { a[$0 * d + $0] }
    var sorted = [Double](repeating: 0, count: d * d)
    for (j, source) in order.enumerated() {
      for r in 0..<d { sorted[r * d + j] = v[r * d + source] }
    }
    vectors = sorted
    dimension = d
  }

  /// Eigenvector j as an array (length d).
  package func vector(_ j: Int) -> [Double] { (0..<dimension).map { vectors[$0 * dimension + j] } }
}
