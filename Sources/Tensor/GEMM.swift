/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
  case none
  case transposed
}

/// Single-precision GEMM on row-major buffers: `C = alpha·op(A)·op(B) + beta·C`.
///
/// op(A) is m×k, op(B) is k×n, C is m×n. `lda`, `ldb`, `ldc` are the row strides of the buffers as stored
/// (for a transposed A that is stored k×m, `lda ≥ m`). When `beta == 0`, C is not read (NaNs in it are ignored).
/// Runs on up to `Parallelism.maximumThreads` threads (serially inside a `parallelFor` body); C must not overlap
/// A or B. The micro-kernel is chosen once per process for the CPU (AVX-512F, AVX2+FMA or portable).
/// - Complexity: O(m·n·k); packing adds O(m·k + k·n) memory traffic.
public func sgemm(
  _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
  alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  GEMMDriver(kernel: .best).run(
    transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
    threads: Parallelism.maximumThreads)
}

/// The blocked SGEMM driver: BLIS loop order (Van Zee & van de Geijn 2015) around a C micro-kernel.
///
/// Loops, outermost first: NC columns of C (jc) → KC of the inner dimension (pc; B block packed into NR-column
/// micro-panels) → MC rows (ic; A block packed into MR-row micro-panels) → NR (jr) → MR (ir) → micro-kernel.
/// Packing reads general strides, so transposed operands cost nothing extra, and pads edge panels with zeros.
/// Threads split C into disjoint column (or, for tall shapes, row) ranges aligned to the tile, each with its own
/// packing workspace from `GEMMWorkspace`.
struct GEMMDriver {
  let kernel: GEMMKernel
  /// Rows of A packed per block (kept in L2).
  var mc = 144
  /// Inner-dimension depth per block; a K up to `maximumKC` is done in one block so C is written once.
  var maximumKC = 640
  /// Depth used when K is split into blocks.
  var kc = 384
  /// Columns of B packed per block (kept in L3).
  var nc = 4096
  /// The fewest multiply-adds worth a second thread.
  var minimumWorkPerThread = 1 << 18

  init(kernel: GEMMKernel) {
    self.kernel = kernel
  }

  func run(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
  ) {
    precondition(m >= 0 && n >= 0 && k >= 0, "sgemm needs non-negative sizes, got m=\(m) n=\(n) k=\(k)")
    precondition(
      lda >= max(1, transA == .none ? k : m), "sgemm: lda=\(lda) is below op(A)'s stored row length")
    precondition(
      ldb >= max(1, transB == .none ? n : k), "sgemm: ldb=\(ldb) is below op(B)'s stored row length")
    precondition(ldc >= max(1, n), "sgemm: ldc=\(ldc) is below n=\(n)")
    guard m > 0, n > 0 else { return }
    guard k > 0, alpha != 0 else {
      scale(m: m, n: n, by: beta, c: c, ldc: ldc)
      return
    }
    let (mr, nr) = (kernel.mr, kernel.nr)
    let rowPanels = (m + mr - 1) / mr
    let columnPanels = (n + nr - 1) / nr
    // Split the larger side of C: that duplicates the packing of the smaller operand only.
    let splitColumns = n >= m
    let panels = splitColumns ? columnPanels : rowPanels
    let work = m &* n &* k
    let parts = max(1, min(threads, panels, work / minimumWorkPerThread))
    let operands = Operands(
      transA: transA, transB: transB, k: k, alpha: alpha, beta: beta, a: SendablePointer(a), lda: lda,
      b: SendablePointer(b), ldb: ldb, c: SendablePointer(c), ldc: ldc)
    let driver = self
    parallelFor(parts) { range in
      for part in range {
        let lower = panels * part / parts
        let upper = panels * (part + 1) / parts
        if splitColumns {
          driver.runBlock(rows: 0..<m, columns: (lower * nr)..<min(n, upper * nr), operands)
        } else {
          driver.runBlock(rows: (lower * mr)..<min(m, upper * mr), columns: 0..<n, operands)
        }
      }
    }
  }

  /// The arguments of one GEMM call, shareable with the worker threads.
  struct Operands: Sendable {
    let transA: Transpose, transB: Transpose
    let k: Int
    let alpha: Float, beta: Float
    let a: SendablePointer<Float>, lda: Int
    let b: SendablePointer<Float>, ldb: Int
    let c: SendablePointer<Float>, ldc: Int
  }

  /// Computes the `rows`×`columns` block of C with one packing workspace, on the calling thread.
  func runBlock(rows: Range<Int>, columns: Range<Int>, _ op: Operands) {
    let (mr, nr, k) = (kernel.mr, kernel.nr, op.k)
    let blockDepth = k <= maximumKC ? k : (k + (k + kc - 1) / kc - 1) / ((k + kc - 1) / kc)
    let blockRows = min(mc / mr * mr, (rows.count + mr - 1) / mr * mr)
    let blockColumns = min(nc / nr * nr, (columns.count + nr - 1) / nr * nr)
    let sizeA = blockRows * blockDepth
    let workspace = GEMMWorkspace.acquire(count: sizeA + blockColumns * blockDepth + 16)
    defer { GEMMWorkspace.release(workspace) }
    let packedA = workspace.buffer.base
    // Start B's panels on a 64-byte boundary.
    let packedB = packedA + (sizeA + 15) / 16 * 16
    let function = kernel.function

    var jc = columns.lowerBound
    while jc < columns.upperBound {
      let ncur = min(blockColumns, columns.upperBound &- jc)
      var pc = 0
      while pc < k {
        let kcur = min(blockDepth, k &- pc)
        let beta = pc == 0 ? op.beta : 1
        packB(op, depth: pc..<(pc &+ kcur), columns: jc..<(jc &+ ncur), into: packedB)
        var ic = rows.lowerBound
        while ic < rows.upperBound {
          let mcur = min(blockRows, rows.upperBound &- ic)
          packA(op, rows: ic..<(ic &+ mcur), depth: pc..<(pc &+ kcur), into: packedA)
          var jr = 0
          while jr < ncur {
            let panelB = packedB + (jr &* kcur)
            let ncols = min(nr, ncur &- jr)
            var ir = 0
            while ir < mcur {
              function(
                kcur, packedA + (ir &* kcur), panelB, nr, op.c.base + ((ic &+ ir) &* op.ldc &+ jc &+ jr), op.ldc,
                op.alpha, beta, min(mr, mcur &- ir), ncols)
              ir &+= mr
            }
            jr &+= nr
          }
          ic &+= mcur
        }
        pc &+= kcur
      }
      jc &+= ncur
    }
  }

  /// Packs op(A)[rows, depth] into MR-row micro-panels: panel q holds, for each p, rows q·MR ..< q·MR + MR.
  func packA(_ op: Operands, rows: Range<Int>, depth: Range<Int>, into packed: UnsafeMutablePointer<Float>) {
    let mr = kernel.mr
    let kc = depth.count
    var dst = packed
    var r0 = rows.lowerBound
    while r0 < rows.upperBound {
      let valid = min(mr, rows.upperBound &- r0)
      if op.transA == .none {
        // op(A)[i, p] = a[i·lda + p]: rows are contiguous along p.
        for r in 0..<valid {
          let src = op.a.base + ((r0 &+ r) &* op.lda &+ depth.lowerBound)
          var p = 0
          while p < kc {
            dst[p &* mr &+ r] = src[p]
            p &+= 1
          }
        }
        if valid < mr {
          for p in 0..<kc { (dst + (p &* mr &+ valid)).initialize(repeating: 0, count: mr &- valid) }
        }
      } else {
        // op(A)[i, p] = a[p·lda + i]: each depth step is a contiguous run of rows.
        for p in 0..<kc {
          let src = op.a.base + ((depth.lowerBound &+ p) &* op.lda &+ r0)
          (dst + (p &* mr)).update(from: src, count: valid)
          if valid < mr { (dst + (p &* mr &+ valid)).initialize(repeating: 0, count: mr &- valid) }
        }
      }
      dst += mr &* kc
      r0 &+= mr
    }
  }

  /// Packs op(B)[depth, columns] into NR-column micro-panels: panel q holds, for each p, columns q·NR ..< q·NR + NR.
  func packB(_ op: Operands, depth: Range<Int>, columns: Range<Int>, into packed: UnsafeMutablePointer<Float>) {
    let nr = kernel.nr
    let kc = depth.count
    var dst = packed
    var j0 = columns.lowerBound
    while j0 < columns.upperBound {
      let valid = min(nr, columns.upperBound &- j0)
      if op.transB == .none {
        // op(B)[p, j] = b[p·ldb + j]: each depth step is a contiguous run of columns.
        for p in 0..<kc {
          let src = op.b.base + ((depth.lowerBound &+ p) &* op.ldb &+ j0)
          (dst + (p &* nr)).update(from: src, count: valid)
          if valid < nr { (dst + (p &* nr &+ valid)).initialize(repeating: 0, count: nr &- valid) }
        }
      } else {
        // op(B)[p, j] = b[j·ldb + p]: columns are contiguous along p.
        for j in 0..<valid {
          let src = op.b.base + ((j0 &+ j) &* op.ldb &+ depth.lowerBound)
          var p = 0
          while p < kc {
            dst[p &* nr &+ j] = src[p]
            p &+= 1
          }
        }
        if valid < nr {
          for p in 0..<kc { (dst + (p &* nr &+ valid)).initialize(repeating: 0, count: nr &- valid) }
        }
      }
      dst += nr &* kc
      j0 &+= nr
    }
  }

  /// C = beta·C (k == 0 or alpha == 0); beta == 0 writes zeros without reading C.
  func scale(m: Int, n: Int, by beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    for i in 0..<m {
      let row = c + (i &* ldc)
      if beta == 0 {
        row.initialize(repeating: 0, count: n)
      } else if beta != 1 {
        for j in 0..<n { row[j] *= beta }
      }
    }
  }
}
