import Foundation

/// Eigen-decomposition A = V·diag(λ)·Vᵀ of a small symmetric matrix by cyclic Jacobi rotations.
struct SymmetricEigen {
  /// Eigenvalues, in no particular order.
  let values: [Double]
  /// Eigenvectors as columns of a row-major d×d matrix: `vectors[i * d + j]` is component i of vector j.
  let vectors: [Double]

  /// - Parameter a: a symmetric d×d matrix, row-major.
  /// - Complexity: O(d³) per sweep; converges in well under 20 sweeps.
  init(_ a: [Double], dimension d: Int) {
    var m = a
    var v = [Double](repeating: 0, count: d * d)
    for i in 0..<d { v[i * d + i] = 1 }
    for _ in 0..<60 {
      var off = 0.0, total = 0.0
      for i in 0..<d {
        for j in 0..<d {
          total += m[i * d + j] * m[i * d + j]
          if i != j { off += m[i * d + j] * m[i * d + j] }
        }
      }
      if off <= 1e-30 * total || off == 0 { break }
      for p in 0..<d {
        for q in (p + 1)..<max(p + 1, d) where m[p * d + q] != 0 {
          let apq = m[p * d + q], app = m[p * d + p], aqq = m[q * d + q]
          let theta = (aqq - app) / (2 * apq)
          let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot(), s = t * c
          for k in 0..<d {
            let akp = m[k * d + p], akq = m[k * d + q]
            m[k * d + p] = c * akp - s * akq
            m[k * d + q] = s * akp + c * akq
          }
          for k in 0..<d {
            let apk = m[p * d + k], aqk = m[q * d + k]
            m[p * d + k] = c * apk - s * aqk
            m[q * d + k] = s * apk + c * aqk
          }
          for k in 0..<d {
            let vkp = v[k * d + p], vkq = v[k * d + q]
            v[k * d + p] = c * vkp - s * vkq
            v[k * d + q] = s * vkp + c * vkq
          }
        }
      }
    }
    values = (0..<d).map { m[$0 * d + $0] }
    vectors = v
  }
}

/// The minimum-norm least-squares solution of A·x = b with singular values ≤ `rcond`·σ_max dropped, as
/// `numpy.linalg.lstsq(A, b, rcond)` computes it; by one-sided (Hestenes) Jacobi SVD, accurate for the
/// ill-conditioned WKL weight systems (METHOD.md §18.1).
/// - Parameters:
///   - a: m×n, row-major.
///   - b: m values.
/// - Returns: n values.
func minimumNormLeastSquares(_ a: [Double], rows m: Int, columns n: Int, _ b: [Double], rcond: Double) -> [Double] {
  // Columns of A as separate vectors; rotate pairs until mutually orthogonal: A·V = U·Σ.
  var cols = (0..<n).map { j in (0..<m).map { a[$0 * n + j] } }
  var v = (0..<n).map { j in (0..<n).map { $0 == j ? 1.0 : 0.0 } }  // v[j] = column j of V
  for _ in 0..<80 {
    var rotated = false
    for p in 0..<n {
      for q in (p + 1)..<max(p + 1, n) {
        var alpha = 0.0, beta = 0.0, gamma = 0.0
        for i in 0..<m {
          alpha += cols[p][i] * cols[p][i]
          beta += cols[q][i] * cols[q][i]
          gamma += cols[p][i] * cols[q][i]
        }
        guard abs(gamma) > 1e-17 * (alpha * beta).squareRoot(), gamma != 0 else { continue }
        rotated = true
        let zeta = (beta - alpha) / (2 * gamma)
        let t = (zeta >= 0 ? 1 : -1) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
        let c = 1 / (1 + t * t).squareRoot(), s = c * t
        for i in 0..<m {
          let x = cols[p][i], y = cols[q][i]
          cols[p][i] = c * x - s * y
          cols[q][i] = s * x + c * y
        }
        for i in 0..<n {
          let x = v[p][i], y = v[q][i]
          v[p][i] = c * x - s * y
          v[q][i] = s * x + c * y
        }
      }
    }
    if !rotated { break }
  }
  let sigma = cols.map { col in col.reduce(0) { $0 + $1 * $1 }.squareRoot() }
  let cutoff = rcond * (sigma.max() ?? 0)
  var x = [Double](repeating: 0, count: n)
  for j in 0..<n where sigma[j] > cutoff && sigma[j] > 0 {
    // u_j = col_j / σ_j; x += (u_jᵀ b / σ_j) v_j.
    var dot = 0.0
    for i in 0..<m { dot += cols[j][i] * b[i] }
    let coef = dot / (sigma[j] * sigma[j])
    for i in 0..<n { x[i] += coef * v[j][i] }
  }
  return x
}
