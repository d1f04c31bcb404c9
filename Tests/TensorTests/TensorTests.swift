import Testing

@_spi(Benchmarks) @testable import Tensor

@Suite struct TensorTests {
  private let cube = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))

  @Test func reshapeInfersOneAxisAndKeepsOrder() {
    let flat = cube.reshaped([4, -1])
    #expect(flat.shape == [4, 6])
    #expect(flat.scalars == cube.scalars)
    #expect(flat[1, 0] == 6)
  }

  @Test func subscriptIsRowMajor() {
    #expect(cube[1, 2, 3] == 23)
    #expect(cube[0, 1, 0] == 4)
    var t = cube
    t[1, 0, 2] = -1
    #expect(t.scalars[14] == -1)
  }

  @Test(arguments: 0..<3)
  func sumAlongAxisMatchesLoops(axis: Int) {
    let reduced = cube.sum(alongAxis: axis)
    var shape = cube.shape
    shape.remove(at: axis)
    #expect(reduced.shape == shape)
    // Closed forms for scalars = i·12 + j·4 + k.
    switch axis {
    case 0: for j in 0..<3 { for k in 0..<4 { #expect(reduced[j, k] == Float(12 + 2 * (4 * j + k))) } }
    case 1: for i in 0..<2 { for k in 0..<4 { #expect(reduced[i, k] == Float(3 * (12 * i + k) + 12)) } }
    default: for i in 0..<2 { for j in 0..<3 { #expect(reduced[i, j] == Float(4 * (12 * i + 4 * j) + 6)) } }
    }
    #expect(reduced.sum() == cube.sum())
    #expect(cube.sum() == 276)
  }

  @Test func zipMapAndOperatorsWorkElementwise() {
    let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    let b = Tensor(shape: [2, 2], scalars: [10, 20, 30, 40])
    #expect(a.zipMap(b) { $1 - 2 * $0 }.scalars == [8, 16, 24, 32])
    #expect((a + b).scalars == [11, 22, 33, 44])
    #expect((b / a).scalars == [10, 10, 10, 10])
    #expect((2 * a - 1).scalars == [1, 3, 5, 7])
    var c = a
    c.addScaled(b, by: 0.5)
    #expect(c.scalars == [6, 12, 18, 24])
    #expect(a.mean() == 2.5 && a.max() == 4 && a.min() == 1)
  }

  @Test func argmaxRowsPicksFirstLargest() {
    let t = Tensor(shape: [3, 3], scalars: [0, 5, 1, 7, 7, 2, -3, -2, -1])
    #expect(t.argmaxRows() == [1, 0, 2])
  }

  @Test func matrixSelectsAndConcatenates() {
    let m = Matrix([[1, 2], [3, 4], [5, 6]])
    #expect(m.selectingRows([2, 0, 2]) == Matrix([[5, 6], [1, 2], [5, 6]]))
    #expect(m.concatenatingColumns(Matrix([[7], [8], [9]])) == Matrix([[1, 2, 7], [3, 4, 8], [5, 6, 9]]))
    #expect(m.row(1) == [3, 4] && m.column(1) == [2, 4, 6] && m[2, 0] == 5)
    #expect(Matrix(m.tensor) == m)
    #expect(m.tensor.shape == [3, 2])
  }
}

/// The allocator settings must really reach glibc: for a while they compiled to nothing (the `__GLIBC__` test ran
/// before any libc header defined it) and every training step page-faulted its tensors afresh.
@Suite struct HeapTuningTests {
  @Test func glibcTakesTheSettings() {
    #if os(Linux) && canImport(Glibc)
      #expect(HeapTuning.keepFreedBlocks())
    #else
      #expect(!HeapTuning.keepFreedBlocks())
    #endif
  }
}
