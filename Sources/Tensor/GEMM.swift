@inline(__always)
private func load4(_ p: UnsafeMutablePointer<Float>) -> SIMD4<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
}

@inline(__always)
private func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
}

/// Whether a GEMM operand is used as stored or transposed.
@_spi(Benchmarks) public enum Transpose: Sendable {
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
@_spi(Benchmarks) public func sgemm(
  _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
  alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  let driver = GEMMDriver(kernel: .best)
  // Ask for the thread count only when a second thread could pay off (it may read cgroup files). Inside a
  // `parallelFor` body the parts would run one after the other, each repacking the shared operand: use one.
  let threaded =
    m >= 0 && n >= 0 && k >= 0
    && m.multipliedReportingOverflow(by: n).partialValue &* k
      >= 2 &* driver.minimumWorkPerThread
    && !ParallelForState.isInsideWorker
  driver.run(
    transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
    threads: threaded ? Parallelism.maximumThreads : 1)
}

/// The blocked SGEMM driver: BLIS-style packing and blocking (Van Zee & van de Geijn 2015) around a C micro-kernel.
///
/// Loops, outermost first: MC rows of C (ic) → KC of the inner dimension (pc; A block packed into MR-row
/// micro-panels) → NC columns (jc; B block packed into NR-column micro-panels) → MR (ir) → NR (jr) → micro-kernel.
/// Packing reads general strides, so transposed operands cost nothing extra, and pads edge panels with zeros.
/// Threads split C into disjoint column (or, for tall shapes, row) ranges aligned to the tile, each with its own
/// packing workspace from `GEMMWorkspace`.
struct GEMMDriver {
  let kernel: GEMMKernel
  /// Rows of A packed per block (kept in L3).
  var mc = 3072
  /// Inner-dimension depth per block; a K up to `maximumKC` is done in one block so C is written once.
  var maximumKC = 640
  /// Depth used when K is split into blocks.
  var kc = 512
  /// Columns of B packed per block (kept in L2 with the depth `kc`). Measured on a 2 MB-L2 Xeon: 240 and 480
  /// equal, 960 15 % slower at 1024³; 240·576 floats also fit a 1 MB L2.
  var nc = 240
  /// The fewest multiply-adds worth a second thread. Waking a Dispatch worker took ~50 µs on the 2-vCPU dev VM
  /// (an empty 2-way `concurrentPerform` with 100 µs per iteration took 150 µs), so a part must be worth well
  /// over that: 2²² multiply-adds take ~55 µs at 150 GFLOP/s. Measured with a cut-over of 2²⁰: 192³ on 2 threads
  /// 132 GFLOP/s vs 153 on 1 thread; 256³ 186 vs 155.
  var minimumWorkPerThread = 1 << 22

  /// Multiply-adds the calling thread does while a Dispatch worker wakes up (~50 µs at ~150 GFLOP/s on the dev
  /// VM), added to the caller's part. 2 threads: 256³ 189 → 224 GFLOP/s, 512³ 271 → 286; on a machine with faster
  /// wake-ups part 0 runs long: up to ~20 % at 256³ (61 % of the work), ≤ 3 % from 512³ on.
  var workerStartDelay = 3_500_000

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
    // Splitting columns makes every part pack all of A; splitting rows, all of B. Duplicate the cheaper packing:
    // a strided (transposing) pack costs about three times a contiguous one. Either side needs a panel per thread.
    // Ties split rows: a narrower column range means more passes over the packed A per column (TN 512³, 2 threads:
    // columns 235, rows 264 GFLOP/s).
    let costA = m &* k &* (transA == .none ? 3 : 1)
    let costB = k &* n &* (transB == .none ? 1 : 3)
    let splitColumns = rowPanels < threads || (columnPanels >= threads && costA < costB)
    let panels = splitColumns ? columnPanels : rowPanels
    let work = m &* n &* k
    let parts = max(1, min(threads, panels, work / minimumWorkPerThread))
    let operands = Operands(
      transA: transA, transB: transB, k: k, alpha: alpha, beta: beta, a: SendablePointer(a), lda: lda,
      b: SendablePointer(b), ldb: ldb, c: SendablePointer(c), ldc: ldc)
    if parts == 1 {
      runBlock(rows: 0..<m, columns: 0..<n, operands)
      return
    }
    // Part 0 runs on the calling thread, which starts at once; the others wait for a worker to wake. Give part 0
    // that head start in extra work so all parts finish together.
    let lead = Double(min(work / 2, workerStartDelay))
    let share = (Double(work) - lead) / Double(parts)
    let scale = Double(panels) / Double(work)
    @Sendable func boundary(_ t: Int) -> Int {
      t == 0 ? 0 : t == parts ? panels : min(panels, Int((scale * (lead + Double(t) * share)).rounded()))
    }
    let driver = self
    parallelFor(parts) { range in
      for part in range {
        let lower = boundary(part)
        let upper = boundary(part + 1)
        guard lower < upper else { continue }
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
  ///
  /// The broadcast operand A is packed in large blocks (`mc` rows, L3) and its MR×KC micro-panel stays in L1
  /// while the kernel streams the packed B block (KC×`nc`, sized for L2) past it: the roles of BLIS's A and B
  /// swapped, since our kernel broadcasts A and loads B in vectors.
  func runBlock(rows: Range<Int>, columns: Range<Int>, _ op: Operands) {
    let (mr, nr, k) = (kernel.mr, kernel.nr, op.k)
    let blocksK = (k + kc - 1) / kc
    let blockDepth = k <= maximumKC ? k : (k + blocksK - 1) / blocksK
    let blockRows = min(max(mr, mc / mr * mr), (rows.count + mr - 1) / mr * mr)
    let blockColumns = min(max(nr, nc / nr * nr), (columns.count + nr - 1) / nr * nr)
    let sizeA = (blockRows * blockDepth + 15) / 16 * 16  // B's panels start on a 64-byte boundary
    let workspace = GEMMWorkspace.acquire(count: sizeA + blockColumns * blockDepth)
    defer { GEMMWorkspace.release(workspace) }
    let packedA = workspace.buffer.base
    let packedB = packedA + sizeA
    let function = kernel.function
    // With only a few A panels, packing B costs about as much as the multiply itself, so a plain B is read where
    // it lies. Measured (1 thread, GFLOP/s, packed → in place): 8×100×800 45 → 80, 16×784×9 85 → 119,
    // 16×1024×1024 69 → 87, 32×196×144 103 → 137; but 32×4096×576 93 → 70, as deep blocks of a wide B thrash the
    // caches when read with a large row stride.
    let readsBInPlace =
      op.transB == .none && (rows.count <= 2 &* mr || (rows.count <= 4 &* mr && blockDepth <= 256))

    var ic = rows.lowerBound
    while ic < rows.upperBound {
      let mcur = min(blockRows, rows.upperBound &- ic)
      var pc = 0
      while pc < k {
        let kcur = min(blockDepth, k &- pc)
        let beta = pc == 0 ? op.beta : 1
        packA(op, rows: ic..<(ic &+ mcur), depth: pc..<(pc &+ kcur), into: packedA)
        var jc = columns.lowerBound
        while jc < columns.upperBound {
          let ncur = min(blockColumns, columns.upperBound &- jc)
          // Full panels of a plain B are read in place (row stride ldb) when few A panels share them; only a
          // partial last panel is packed then, since the kernel reads whole NR-wide rows.
          let packedFrom = readsBInPlace ? ncur / nr &* nr : 0
          if packedFrom < ncur {
            packB(op, depth: pc..<(pc &+ kcur), columns: (jc &+ packedFrom)..<(jc &+ ncur), into: packedB)
          }
          let inPlaceB = op.b.base + (pc &* op.ldb &+ jc)
          var ir = 0
          while ir < mcur {
            let panelA = packedA + (ir &* kcur)
            let nrows = min(mr, mcur &- ir)
            let rowC = op.c.base + ((ic &+ ir) &* op.ldc &+ jc)
            var jr = 0
            while jr < packedFrom {
              function(kcur, panelA, inPlaceB + jr, op.ldb, rowC + jr, op.ldc, op.alpha, beta, nrows, nr)
              jr &+= nr
            }
            while jr < ncur {
              function(
                kcur, panelA, packedB + ((jr &- packedFrom) &* kcur), nr, rowC + jr, op.ldc, op.alpha, beta, nrows,
                min(nr, ncur &- jr))
              jr &+= nr
            }
            ir &+= mr
          }
          jc &+= ncur
        }
        pc &+= kcur
      }
      ic &+= mcur
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
        GEMMDriver.interleave(
          op.a.base + (r0 &* op.lda &+ depth.lowerBound), stride: op.lda, lines: valid, length: kc, into: dst,
          step: mr)
        if valid < mr {
          for p in 0..<kc { (dst + (p &* mr &+ valid)).initialize(repeating: 0, count: mr &- valid) }
        }
      } else {
        // op(A)[i, p] = a[p·lda + i]: each depth step is a contiguous run of rows.
        var src = op.a.base + (depth.lowerBound &* op.lda &+ r0)
        if valid == 8 && mr == 8 {
          // The common full AVX-512 panel: eight inline copies beat a memcpy call per 32 bytes.
          var d = dst
          for _ in 0..<kc {
            (d[0], d[1], d[2], d[3]) = (src[0], src[1], src[2], src[3])
            (d[4], d[5], d[6], d[7]) = (src[4], src[5], src[6], src[7])
            d += 8
            src += op.lda
          }
        } else {
          for p in 0..<kc {
            for r in 0..<valid { dst[p &* mr &+ r] = src[r] }
            for r in valid..<mr { dst[p &* mr &+ r] = 0 }
            src += op.lda
          }
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
        GEMMDriver.interleave(
          op.b.base + (j0 &* op.ldb &+ depth.lowerBound), stride: op.ldb, lines: valid, length: kc, into: dst,
          step: nr)
        if valid < nr {
          for p in 0..<kc { (dst + (p &* nr &+ valid)).initialize(repeating: 0, count: nr &- valid) }
        }
      }
      dst += nr &* kc
      j0 &+= nr
    }
  }

  /// Transposing copy: `dst[p·step + l] = src[l·stride + p]` for `l < lines`, `p < length` (packing an operand
  /// whose packed direction is strided). Eight lines at a time, so each step writes 32 contiguous bytes.
  static func interleave(
    _ src: UnsafeMutablePointer<Float>, stride: Int, lines: Int, length: Int, into dst: UnsafeMutablePointer<Float>,
    step: Int
  ) {
    var l = 0
    while l &+ 8 <= lines {
      let s0 = src + (l &* stride)
      let (s1, s2, s3) = (s0 + stride, s0 + (2 &* stride), s0 + (3 &* stride))
      let (s4, s5, s6, s7) = (s0 + (4 &* stride), s0 + (5 &* stride), s0 + (6 &* stride), s0 + (7 &* stride))
      var d = dst + l
      var p = 0
      // Four depth steps at a time: load a 4-float run of each line, transpose two 4×4 blocks in registers.
      while p &+ 4 <= length {
        let (t0, t1) = GEMMDriver.transpose4x4(load4(s0 + p), load4(s1 + p), load4(s2 + p), load4(s3 + p))
        let (u0, u1) = GEMMDriver.transpose4x4(load4(s4 + p), load4(s5 + p), load4(s6 + p), load4(s7 + p))
        store4(t0.0, d)
        store4(u0.0, d + 4)
        store4(t0.1, d + step)
        store4(u0.1, d + (step &+ 4))
        store4(t1.0, d + (2 &* step))
        store4(u1.0, d + (2 &* step &+ 4))
        store4(t1.1, d + (3 &* step))
        store4(u1.1, d + (3 &* step &+ 4))
        d += 4 &* step
        p &+= 4
      }
      while p < length {
        d[0] = s0[p]
        d[1] = s1[p]
        d[2] = s2[p]
        d[3] = s3[p]
        d[4] = s4[p]
        d[5] = s5[p]
        d[6] = s6[p]
        d[7] = s7[p]
        d += step
        p &+= 1
      }
      l &+= 8
    }
    while l < lines {
      let s0 = src + (l &* stride)
      var d = dst + l
      var p = 0
      while p < length {
        d.pointee = s0[p]
        d += step
        p &+= 1
      }
      l &+= 1
    }
  }

  /// The columns of the 4×4 matrix with rows r0…r3, as ((column 0, column 1), (column 2, column 3)).
  @inline(__always)
  static func transpose4x4(
    _ r0: SIMD4<Float>, _ r1: SIMD4<Float>, _ r2: SIMD4<Float>, _ r3: SIMD4<Float>
  ) -> ((SIMD4<Float>, SIMD4<Float>), (SIMD4<Float>, SIMD4<Float>)) {
    // unpacklo/unpackhi pairs, then movelh/movehl: the SSE transpose, spelled as lane picks.
    let a = SIMD4(r0[0], r1[0], r0[1], r1[1]), b = SIMD4(r0[2], r1[2], r0[3], r1[3])
    let c = SIMD4(r2[0], r3[0], r2[1], r3[1]), e = SIMD4(r2[2], r3[2], r2[3], r3[3])
    return (
      (SIMD4(a[0], a[1], c[0], c[1]), SIMD4(a[2], a[3], c[2], c[3])),
      (SIMD4(b[0], b[1], e[0], e[1]), SIMD4(b[2], b[3], e[2], e[3]))
    )
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
