/// Dense linear solves for the small systems of the smoothing filters.
enum LinearSolve {
  /// Solves A·x = b for a square, non-singular `size`×`size` row-major A (Gaussian elimination, partial pivoting).
  static func solve(_ matrix: [Double], _ rhs: [Double], size n: Int) -> [Double] {
    precondition(matrix.count == n * n && rhs.count == n, "LinearSolve.solve: shapes do not match size \(n)")
    var a = matrix
    var b = rhs
    for col in 0..<n {
      var pivot = col
      for r in (col + 1)..<max(n, col + 1) where abs(a[r * n + col]) > abs(a[pivot * n + col]) { pivot = r }
      precondition(a[pivot * n + col] != 0, "LinearSolve.solve: singular matrix")
      if pivot != col {
        for c in 0..<n { a.swapAt(col * n + c, pivot * n + c) }
        b.swapAt(col, pivot)
      }
      for r in (col + 1)..<max(n, col + 1) {
        let factor = a[r * n + col] / a[col * n + col]
        if factor == 0 { continue }
        for c in col..<n { a[r * n + c] -= factor * a[col * n + c] }
        b[r] -= factor * b[col]
      }
    }
    var x = [Double](repeating: 0, count: n)
    for r in stride(from: n - 1, through: 0, by: -1) {
      var total = b[r]
      for c in (r + 1)..<max(n, r + 1) { total -= a[r * n + c] * x[c] }
      x[r] = total / a[r * n + r]
    }
    return x
  }
}
