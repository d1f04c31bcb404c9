import CKernels

/// Products with a narrow Float32 operand (≤ 16 columns): X·Q and Xᵀ·Y for a tall n × D matrix X, the two products
/// of randomized PCA's subspace iteration (docs/performance.md, "The paper's whole experiment"). `sgemm` packs X for each of them, which
/// costs more than their arithmetic; these read X once, in place (`ck_skinny.h`), split over threads by rows (X·Q)
/// or by columns of X (Xᵀ·Y). Every output element sums in a fixed order, so the thread count does not change
/// the bits.
package enum SkinnyProduct {
  /// The widest narrow operand.
  package static let maximumColumns = 16

  private static let kernels = ck_skinny_select(ck_isa_level())

  /// C = A·B: A `rows` × `d` row-major with leading dimension `lda`, B `d` × `columns` row-major, C `rows` ×
  /// `columns` row-major (overwritten). Precondition: 1 ≤ columns ≤ 16.
  package static func multiply(
    _ a: UnsafePointer<Float>, lda: Int, rows: Int, d: Int, _ b: UnsafePointer<Float>, columns: Int,
    into c: UnsafeMutablePointer<Float>
  ) {
    precondition(columns >= 1 && columns <= maximumColumns && lda >= d, "narrow product shapes")
    let padded = paddedRows(b, rows: d, columns: columns)
    let (ap, cp) = (SendablePointer(a), SendablePointer(c))
    let nn = kernels.nn!
    padded.withUnsafeBufferPointer { bp in
      let bq = SendablePointer(bp.baseAddress!)
      parallelFor(rows, minimumChunk: 256) { range in
        nn(
          ap.base + range.lowerBound * lda, lda, range.count, d, bq.base, columns, cp.base + range.lowerBound * columns)
      }
    }
  }

  /// C = Aᵀ·Y: A `n` × `d` row-major with leading dimension `lda`, Y `n` × `columns` row-major, C `d` × `columns`
  /// row-major (overwritten). Precondition: 1 ≤ columns ≤ 16.
  package static func multiplyTransposed(
    _ a: UnsafePointer<Float>, lda: Int, n: Int, d: Int, _ y: UnsafePointer<Float>, columns: Int,
    into c: UnsafeMutablePointer<Float>
  ) {
    precondition(columns >= 1 && columns <= maximumColumns && lda >= d, "narrow product shapes")
    let padded = paddedRows(y, rows: n, columns: columns)
    let (ap, cp) = (SendablePointer(a), SendablePointer(c))
    let tn = kernels.tn!
    padded.withUnsafeBufferPointer { yp in
      let yq = SendablePointer(yp.baseAddress!)
      parallelFor(d, minimumChunk: 64) { range in
        tn(ap.base, lda, n, range.lowerBound, range.count, yq.base, columns, cp.base + range.lowerBound * columns)
      }
    }
  }

  /// `rows` × `columns` row-major values as `rows` × 16, zero-padded.
  private static func paddedRows(_ x: UnsafePointer<Float>, rows: Int, columns: Int) -> [Float] {
    var out = [Float](repeating: 0, count: rows * maximumColumns)
    out.withUnsafeMutableBufferPointer { o in
      for r in 0..<rows { for j in 0..<columns { o[r &* maximumColumns &+ j] = x[r &* columns &+ j] } }
    }
    return out
  }
}
