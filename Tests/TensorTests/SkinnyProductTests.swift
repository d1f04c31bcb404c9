import CKernels
import Testing

@_spi(Kernels) @testable import Tensor

/// The narrow products of randomized PCA (`SkinnyProduct`, `ck_skinny.h`) against Double sums, for every kernel this
/// CPU runs, and the promise that a split of the work does not change the bits.
@Suite struct SkinnyProductTests {
  /// Uniform values in [−1, 1).
  static func values(_ count: Int, seed: UInt64) -> [Float] {
    var rng = Xoshiro256(seed: seed)
    return (0..<count).map { _ in Float(rng.nextUniform() * 2 - 1) }
  }

  /// The instruction-set levels whose skinny kernels this CPU can run (0 portable, 1 AVX2+FMA).
  static var levels: [Int32] { Array(0...min(1, ck_isa_level())) }

  /// Σⱼ |a|·|b| bounds each product's rounding: Float32 sums of d terms are within d·2⁻²⁴ of it.
  @Test(arguments: [1, 5, 12, 16])
  func productsMatchDoubleSums(columns: Int) {
    let (n, d, lda) = (37, 53, 60)
    let a = Self.values(n * lda, seed: 1), b = Self.values(d * columns, seed: 2), y = Self.values(n * columns, seed: 3)
    var b16 = [Float](repeating: 0, count: d * 16), y16 = [Float](repeating: 0, count: n * 16)
    for j in 0..<d { for c in 0..<columns { b16[j * 16 + c] = b[j * columns + c] } }
    for i in 0..<n { for c in 0..<columns { y16[i * 16 + c] = y[i * columns + c] } }
    for isa in Self.levels {
      let kernels = ck_skinny_select(isa)
      var c = [Float](repeating: .nan, count: n * columns)
      kernels.nn!(a, lda, n, d, b16, columns, &c)
      for i in 0..<n {
        for k in 0..<columns {
          var exact = 0.0, bound = 0.0
          for j in 0..<d {
            exact += Double(a[i * lda + j]) * Double(b[j * columns + k])
            bound += abs(Double(a[i * lda + j]) * Double(b[j * columns + k]))
          }
          #expect(abs(Double(c[i * columns + k]) - exact) <= Double(d) * 0x1p-24 * bound, "isa \(isa) nn \(i),\(k)")
        }
      }
      var t = [Float](repeating: .nan, count: d * columns)
      kernels.tn!(a, lda, n, 0, d, y16, columns, &t)
      for j in 0..<d {
        for k in 0..<columns {
          var exact = 0.0, bound = 0.0
          for i in 0..<n {
            exact += Double(a[i * lda + j]) * Double(y[i * columns + k])
            bound += abs(Double(a[i * lda + j]) * Double(y[i * columns + k]))
          }
          #expect(abs(Double(t[j * columns + k]) - exact) <= Double(n) * 0x1p-24 * bound, "isa \(isa) tn \(j),\(k)")
        }
      }
    }
  }

  /// Rows (nn) or columns (tn) computed in pieces — as the threads split them — give the whole product's bits, and
  /// the Swift entry points (which split over the threads) agree with one whole-range kernel call. Sizes cross the
  /// kernels' 4-row and 256-column blocks.
  @Test func splitsDoNotChangeTheBits() {
    let (n, d, columns) = (1030, 600, 12)
    let a = Self.values(n * d, seed: 4), q = Self.values(d * columns, seed: 5), y = Self.values(n * columns, seed: 6)
    var q16 = [Float](repeating: 0, count: d * 16), y16 = [Float](repeating: 0, count: n * 16)
    for j in 0..<d { for c in 0..<columns { q16[j * 16 + c] = q[j * columns + c] } }
    for i in 0..<n { for c in 0..<columns { y16[i * 16 + c] = y[i * columns + c] } }
    let kernels = ck_skinny_select(ck_isa_level())
    var whole = [Float](repeating: 0, count: n * columns), pieces = whole
    kernels.nn!(a, d, n, d, q16, columns, &whole)
    a.withUnsafeBufferPointer { ap in
      pieces.withUnsafeMutableBufferPointer { cp in
        for (lo, hi) in [(0, 1), (1, 514), (514, 1030)] {
          kernels.nn!(ap.baseAddress! + lo * d, d, hi - lo, d, q16, columns, cp.baseAddress! + lo * columns)
        }
      }
    }
    #expect(whole == pieces)
    var viaSwift = [Float](repeating: 0, count: n * columns)
    SkinnyProduct.multiply(a, lda: d, rows: n, d: d, q, columns: columns, into: &viaSwift)
    #expect(viaSwift == whole)

    var tWhole = [Float](repeating: 0, count: d * columns), tPieces = tWhole
    kernels.tn!(a, d, n, 0, d, y16, columns, &tWhole)
    tPieces.withUnsafeMutableBufferPointer { cp in
      for (lo, hi) in [(0, 3), (3, 300), (300, 600)] {
        kernels.tn!(a, d, n, lo, hi - lo, y16, columns, cp.baseAddress! + lo * columns)
      }
    }
    #expect(tWhole == tPieces)
    var tSwift = [Float](repeating: 0, count: d * columns)
    SkinnyProduct.multiplyTransposed(a, lda: d, n: n, d: d, y, columns: columns, into: &tSwift)
    #expect(tSwift == tWhole)
  }
}
