import Foundation

/// The minimum-norm least-squares solution of A·x = b with singular values ≤ `rcond`·σ_max dropped, as
/// `numpy.linalg.lstsq(A, b, rcond)` computes it; by one-sided (Hestenes) Jacobi SVD, accurate for the
/// ill-conditioned WKL weight systems (docs/method.md §18.1).
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
