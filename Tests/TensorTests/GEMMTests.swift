import Testing

@_spi(Benchmarks) @_spi(Kernels) @testable import Tensor

/// Row-major operands for one GEMM problem, with padded leading dimensions.
private struct Problem {
  let transA: Transpose, transB: Transpose
  let m: Int, n: Int, k: Int
  let lda: Int, ldb: Int, ldc: Int
  var a: [Float], b: [Float], c: [Float]

  init(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, padding: Int = 3, seed: UInt64 = 1) {
    (self.transA, self.transB, self.m, self.n, self.k) = (transA, transB, m, n, k)
    let (rowsA, colsA) = transA == .none ? (m, k) : (k, m)
    let (rowsB, colsB) = transB == .none ? (k, n) : (n, k)
    lda = max(1, colsA + padding)
    ldb = max(1, colsB + padding)
    ldc = max(1, n + padding)
    var rng = Xoshiro256(seed: seed)
    a = (0..<(rowsA * lda)).map { _ in Float(rng.nextUniform() * 2 - 1) }
    b = (0..<(rowsB * ldb)).map { _ in Float(rng.nextUniform() * 2 - 1) }
    c = (0..<(m * ldc)).map { _ in Float(rng.nextUniform() * 2 - 1) }
  }

  func opA(_ i: Int, _ p: Int) -> Double { Double(transA == .none ? a[i * lda + p] : a[p * lda + i]) }
  func opB(_ p: Int, _ j: Int) -> Double { Double(transB == .none ? b[p * ldb + j] : b[j * ldb + p]) }

  /// Runs the driver; `c` is replaced by the result.
  mutating func run(alpha: Float, beta: Float, driver: GEMMDriver, threads: Int) {
    let (m, n, k, lda, ldb, ldc, transA, transB) = (m, n, k, lda, ldb, ldc, transA, transB)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          driver.run(
            transA, transB, m: m, n: n, k: k, alpha: alpha, a: a.baseAddress!, lda: lda, b: b.baseAddress!,
            ldb: ldb, beta: beta, c: c.baseAddress!, ldc: ldc, threads: threads)
        }
      }
    }
  }

  /// Checks `result` (the C after a run that started from `self.c`) against a Float64 reference, element-wise
  /// within the standard forward error bound of a length-k dot product: (k + 2)·u·(|alpha|·Σ|a||b| + |beta·c|).
  func mismatches(_ result: [Float], alpha: Float, beta: Float) -> Int {
    var bad = 0
    for i in 0..<m {
      for j in 0..<n {
        var exact = 0.0, magnitude = 0.0
        for p in 0..<k {
          exact += opA(i, p) * opB(p, j)
          magnitude += abs(opA(i, p) * opB(p, j))
        }
        let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
        let expected = Double(alpha) * exact + old
        let bound = Double(k + 2) * Double(Float.ulpOfOne) * (abs(Double(alpha)) * magnitude + abs(old)) + 1e-30
        if !(abs(Double(result[i * ldc + j]) - expected) <= bound) { bad += 1 }
      }
      // The padding between rows of C is never written.
      for j in n..<ldc where result[i * ldc + j] != c[i * ldc + j] { bad += 1 }
    }
    return bad
  }
}

private let transposePairs: [(Transpose, Transpose)] = [
  (.none, .none), (.none, .transposed), (.transposed, .none), (.transposed, .transposed),
]

/// (m, n, k): tiny, odd, not multiples of any tile, above MC = 144 rows, above the one-block K of 640, N above NC.
private let shapes: [(Int, Int, Int)] = [
  (1, 1, 1), (7, 7, 7), (1, 130, 7), (33, 17, 9), (130, 67, 257), (150, 33, 20), (300, 9, 33), (9, 50, 1300),
  (3, 4200, 5),
]

@Suite struct GEMMTests {
  @Test(arguments: 0..<transposePairs.count, 0..<shapes.count)
  func matchesFloat64ReferenceWithEveryKernel(pair: Int, shape: Int) {
    let (m, n, k) = shapes[shape]
    for kernel in GEMMKernel.available {
      var problem = Problem(transposePairs[pair].0, transposePairs[pair].1, m: m, n: n, k: k)
      let original = problem
      problem.run(alpha: 1, beta: 0, driver: GEMMDriver(kernel: kernel), threads: 1)
      #expect(original.mismatches(problem.c, alpha: 1, beta: 0) == 0, "isa \(kernel.isa), m=\(m) n=\(n) k=\(k)")
    }
  }

  @Test(arguments: 0..<transposePairs.count, [(Float(0.5), Float(-1.5)), (-2, 1), (1, 0.25)])
  func scalesByAlphaAndBeta(pair: Int, scalars: (Float, Float)) {
    for kernel in GEMMKernel.available {
      var problem = Problem(transposePairs[pair].0, transposePairs[pair].1, m: 37, n: 101, k: 45, seed: 2)
      let original = problem
      problem.run(alpha: scalars.0, beta: scalars.1, driver: GEMMDriver(kernel: kernel), threads: 1)
      #expect(original.mismatches(problem.c, alpha: scalars.0, beta: scalars.1) == 0, "isa \(kernel.isa)")
    }
  }

  @Test(arguments: 0..<transposePairs.count)
  func betaZeroIgnoresNaNInC(pair: Int) {
    for kernel in GEMMKernel.available {
      var problem = Problem(transposePairs[pair].0, transposePairs[pair].1, m: 19, n: 53, k: 700, seed: 3)
      for i in 0..<problem.m { for j in 0..<problem.n { problem.c[i * problem.ldc + j] = .nan } }
      let original = problem
      problem.run(alpha: 1.5, beta: 0, driver: GEMMDriver(kernel: kernel), threads: 2)
      #expect(problem.c.allSatisfy { !$0.isNaN }, "isa \(kernel.isa)")
      #expect(original.mismatches(problem.c, alpha: 1.5, beta: 0) == 0, "isa \(kernel.isa)")
    }
  }

  @Test func emptyInnerDimensionScalesC() {
    var problem = Problem(.none, .none, m: 5, n: 6, k: 0, seed: 4)
    let before = problem.c
    problem.run(alpha: 1, beta: 2, driver: GEMMDriver(kernel: .best), threads: 1)
    for i in 0..<5 {
      for j in 0..<6 { #expect(problem.c[i * problem.ldc + j] == 2 * before[i * problem.ldc + j]) }
    }
    for i in 0..<5 { for j in 0..<6 { problem.c[i * problem.ldc + j] = .nan } }
    problem.run(alpha: 1, beta: 0, driver: GEMMDriver(kernel: .best), threads: 1)
    for i in 0..<5 { for j in 0..<6 { #expect(problem.c[i * problem.ldc + j] == 0) } }
  }

  @Test func emptyOutputTouchesNothing() {
    var problem = Problem(.none, .transposed, m: 0, n: 4, k: 3, seed: 5)
    problem.run(alpha: 1, beta: 0, driver: GEMMDriver(kernel: .best), threads: 2)
    var wide = Problem(.transposed, .none, m: 3, n: 0, k: 4, seed: 5)
    let before = wide.c
    wide.run(alpha: 1, beta: 0, driver: GEMMDriver(kernel: .best), threads: 2)
    #expect(wide.c == before)
  }

  /// Any split into parts gives bit-identical results: each element sees the same sequence of operations.
  @Test(arguments: [(64, 1000, 70), (500, 40, 70), (130, 130, 900)])
  func threadedEqualsSingleThreaded(shape: (Int, Int, Int)) {
    var driver = GEMMDriver(kernel: .best)
    driver.minimumWorkPerThread = 1
    for (transA, transB) in transposePairs {
      var single = Problem(transA, transB, m: shape.0, n: shape.1, k: shape.2, seed: 6)
      let start = single
      single.run(alpha: 0.75, beta: 0.5, driver: driver, threads: 1)
      for parts in [2, 3, 7] {
        var threaded = start
        threaded.run(alpha: 0.75, beta: 0.5, driver: driver, threads: parts)
        #expect(threaded.c == single.c, "\(parts) parts, \(transA) \(transB)")
      }
    }
  }

  /// GEMMs called from several threads at once (as batch-parallel layers do) each get their own workspace.
  @Test func concurrentCallsMatchSequentialOnes() {
    let count = 8
    let problems = (0..<count).map { Problem(.none, .transposed, m: 40 + $0, n: 300, k: 90, seed: 100 + UInt64($0)) }
    var sequential = problems
    for i in 0..<count { sequential[i].run(alpha: 1, beta: 0, driver: GEMMDriver(kernel: .best), threads: 1) }
    let sizes = problems.map { $0.c.count }
    var outputs = [Float](repeating: .nan, count: sizes.reduce(0, +))
    let offsets = sizes.indices.map { sizes[..<$0].reduce(0, +) }
    outputs.withUnsafeMutableBufferPointer { out in
      let base = SendablePointer(out.baseAddress!)
      parallelFor(count) { range in
        for i in range {
          let p = problems[i]
          p.a.withUnsafeBufferPointer { a in
            p.b.withUnsafeBufferPointer { b in
              sgemm(
                p.transA, p.transB, m: p.m, n: p.n, k: p.k, alpha: 1, a: a.baseAddress!, lda: p.lda,
                b: b.baseAddress!, ldb: p.ldb, beta: 0, c: base.base + offsets[i], ldc: p.ldc)
            }
          }
        }
      }
    }
    for i in 0..<count {
      let got = Array(outputs[offsets[i]..<(offsets[i] + sizes[i])])
      for r in 0..<problems[i].m {
        let row = (r * problems[i].ldc)..<(r * problems[i].ldc + problems[i].n)
        #expect(Array(got[row]) == Array(sequential[i].c[row]), "problem \(i) row \(r)")
      }
    }
  }

  @Test func publicEntryPointUsesFastestKernel() {
    var problem = Problem(.transposed, .none, m: 70, n: 90, k: 110, seed: 7)
    let original = problem
    let (m, n, k, lda, ldb, ldc) = (problem.m, problem.n, problem.k, problem.lda, problem.ldb, problem.ldc)
    let a = problem.a, b = problem.b
    problem.c.withUnsafeMutableBufferPointer { c in
      sgemm(
        .transposed, .none, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: 1,
        c: c.baseAddress!, ldc: ldc)
    }
    #expect(original.mismatches(problem.c, alpha: 1, beta: 1) == 0)
  }
}
