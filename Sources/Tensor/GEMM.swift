/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
  case none
  case transposed
}

/// Single-precision GEMM on row-major buffers: `C = alpha·op(A)·op(B) + beta·C`.
///
/// op(A) is m×k, op(B) is k×n, C is m×n. `lda`, `ldb`, `ldc` are the row strides of the buffers as stored
/// (for a transposed A that is stored k×m, `lda ≥ m`). When `beta == 0`, C is not read (NaNs in it are ignored).
/// - Complexity: O(m·n·k).
public func sgemm(
  _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
  alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  precondition(m >= 0 && n >= 0 && k >= 0, "sgemm needs non-negative sizes, got m=\(m) n=\(n) k=\(k)")
  for i in 0..<m {
    for j in 0..<n {
      var acc: Float = 0
      for p in 0..<k {
        let av = transA == .none ? a[i &* lda &+ p] : a[p &* lda &+ i]
        let bv = transB == .none ? b[p &* ldb &+ j] : b[j &* ldb &+ p]
        acc += av * bv
      }
      let old = beta == 0 ? 0 : beta * c[i &* ldc &+ j]
      c[i &* ldc &+ j] = alpha * acc + old
    }
  }
}
