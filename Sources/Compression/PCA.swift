@_spi(Benchmarks) import Tensor

/// Principal component analysis to `components` dimensions: centred, not whitened (as scikit-learn's `PCA`).
///
/// Top components come from randomized subspace iteration on the centred data, X_c·(X_cᵀ·Q), with SGEMM and
/// Rayleigh–Ritz refinement, so a fit never forms the D×D covariance: O(n·D·b) per iteration with b = components + 8.
/// For D ≤ 64 the exact covariance eigen-decomposition is used instead. Component signs are fixed so that the
/// largest-magnitude entry of each component is positive (deterministic output).
public struct PCA: Compressor, Equatable {
  /// Number of components kept, 1 ≤ components ≤ D.
  public var components: Int
  /// Subspace-iteration cap (the iteration stops earlier once the Ritz values settle to 1e-7 relative).
  public var maximumIterations: Int

  /// PCA to `components` dimensions (checked against D by `fit`), with at most `maximumIterations` subspace
  /// iterations.
  public init(components: Int, maximumIterations: Int = 60) {
    self.components = components
    self.maximumIterations = maximumIterations
  }

  /// Fits on `x` (`[n, …]`; each sample is flattened to D features).
  /// - Throws: `CompressionError.componentCount` unless 1 ≤ components ≤ D; `.tooFewSamples` when n < 2;
  ///   `.nonFinite` at the first NaN/Inf.
  /// - Complexity: O(n·D·(components + 8)·iterations).
  public func fit(_ x: Tensor, seed: UInt64) throws -> PCAModel {
    let (n, d) = try check(x)
    var centred = x.scalars
    return fit(centring: &centred, n: n, sampleShape: Array(x.shape.dropFirst()), d: d, seed: seed)
  }

  /// Fits on `x` and returns the codes of `x` itself, centring the data in place: no copy of `x` is made, so a fit
  /// needs memory for one copy of the data (multi-gigabyte layers in `analyze` and `ib`). The codes equal
  /// `fit(x).transform(x)` up to the Float32 rounding of the centred values.
  /// - Throws: As `fit(_:seed:)`.
  public func fitTransform(_ x: consuming Tensor, seed: UInt64) throws -> (codes: Matrix, model: PCAModel) {
    let (n, d) = try check(x)
    let sampleShape = Array(x.shape.dropFirst())
    var centred = x.intoScalars()
    let model = fit(centring: &centred, n: n, sampleShape: sampleShape, d: d, seed: seed)
    // Already centred: subtracting zeros leaves every value exactly as it is.
    return (model.codes(of: centred, rows: n, subtracting: [Double](repeating: 0, count: d)), model)
  }

  /// n and D of `x`, checked. - Throws: As `fit(_:seed:)`.
  private func check(_ x: Tensor) throws -> (n: Int, d: Int) {
    guard x.rank >= 2 else { throw CompressionError.shapeMismatch(expected: [-1, -1], found: x.shape) }
    let n = x.shape[0]
    let d = x.count / max(n, 1)
    guard components >= 1, components <= d else { throw CompressionError.componentCount(components, dimension: d) }
    guard n >= 2 else { throw CompressionError.tooFewSamples(n: n, needed: 2) }
    if let bad = x.scalars.firstIndex(where: { !$0.isFinite }) {
      throw CompressionError.nonFinite(row: bad / d, column: bad % d)
    }
    return (n, d)
  }

  /// The fit on n × D row-major `data`, which is centred in place (column means in Double, centred values in
  /// Float32 for SGEMM).
  private func fit(centring data: inout [Float], n: Int, sampleShape: [Int], d: Int, seed: UInt64) -> PCAModel {
    var mean = [Double](repeating: 0, count: d)
    data.withUnsafeBufferPointer { p in
      for i in 0..<n { for j in 0..<d { mean[j] += Double(p[i &* d &+ j]) } }
    }
    for j in 0..<d { mean[j] /= Double(n) }
    var totalVariance = 0.0
    data.withUnsafeMutableBufferPointer { p in
      for i in 0..<n {
        for j in 0..<d {
          let v = Double(p[i &* d &+ j]) - mean[j]
          totalVariance += v * v
          p[i &* d &+ j] = Float(v)
        }
      }
    }
    totalVariance /= Double(n - 1)
    let (basis, variances) =
      d <= 64
      ? exactComponents(data, n: n, d: d)
      : subspaceComponents(data, n: n, d: d, seed: seed)
    return PCAModel(
      sampleShape: sampleShape, mean: mean, components: basis, componentCount: components,
      explainedVariance: variances, totalVariance: totalVariance)
  }

  /// Exact path: the covariance's full eigen-decomposition.
  private func exactComponents(_ xc: [Float], n: Int, d: Int) -> (basis: [Double], variances: [Double]) {
    var cov = [Float](repeating: 0, count: d * d)
    xc.withUnsafeBufferPointer { a in
      cov.withUnsafeMutableBufferPointer { c in
        sgemm(
          .transposed, .none, m: d, n: d, k: n, alpha: 1 / Float(n - 1), a: a.baseAddress!, lda: d,
          b: a.baseAddress!, ldb: d, beta: 0, c: c.baseAddress!, ldc: d)
      }
    }
    let eigen = SymmetricEigen(symmetric: cov.map(Double.init), dimension: d)
    return (orientedBasis(eigen.vectors, rows: d, columns: d, keep: components), Array(eigen.values.prefix(components)))
  }

  /// Randomized subspace iteration with Rayleigh–Ritz (Halko, Martinsson & Tropp 2011, Alg. 4.4); its products with
  /// the n × D data are `SkinnyProduct`s while b = components + 8 ≤ 16 (up to 8 components), SGEMMs above.
  private func subspaceComponents(_ xc: [Float], n: Int, d: Int, seed: UInt64) -> (basis: [Double], variances: [Double])
  {
    let b = min(d, components + 8)
    var rng = Xoshiro256(seed: seed)
    var q = (0..<(d * b)).map { _ in Float(rng.nextGaussian()) }  // D×b
    orthonormalizeColumns(&q, rows: d, columns: b)
    var projected = [Float](repeating: 0, count: n * b)  // X_c·Q, n×b
    var previous = [Double](repeating: 0, count: b)
    var ritz = RitzResult(values: [], vectors: [])
    for _ in 0..<max(1, maximumIterations) {
      multiply(xc, q, into: &projected, n: n, d: d, b: b)
      ritz = rayleighRitz(projected, n: n, b: b)
      // Next basis: X_cᵀ·(X_c·Q), orthonormalised.
      xc.withUnsafeBufferPointer { a in
        projected.withUnsafeBufferPointer { y in
          q.withUnsafeMutableBufferPointer { out in
            if b <= SkinnyProduct.maximumColumns {
              SkinnyProduct.multiplyTransposed(
                a.baseAddress!, lda: d, n: n, d: d, y.baseAddress!, columns: b, into: out.baseAddress!)
            } else {
              sgemm(
                .transposed, .none, m: d, n: b, k: n, alpha: 1, a: a.baseAddress!, lda: d,
                b: y.baseAddress!, ldb: b, beta: 0, c: out.baseAddress!, ldc: b)
            }
          }
        }
      }
      orthonormalizeColumns(&q, rows: d, columns: b)
      let settled = (0..<components).allSatisfy { abs(ritz.values[$0] - previous[$0]) <= 1e-7 * abs(ritz.values[0]) }
      previous = ritz.values
      if settled { break }
    }
    // Final Rayleigh–Ritz on the last basis: components = Q·V.
    multiply(xc, q, into: &projected, n: n, d: d, b: b)
    ritz = rayleighRitz(projected, n: n, b: b)
    var basis = [Double](repeating: 0, count: d * b)
    for r in 0..<d {
      for j in 0..<b {
        var total = 0.0
        for l in 0..<b { total += Double(q[r * b + l]) * ritz.vectors[l * b + j] }
        basis[r * b + j] = total
      }
    }
    return (orientedBasis(basis, rows: d, columns: b, keep: components), Array(ritz.values.prefix(components)))
  }

  private struct RitzResult {
    var values: [Double]
    var vectors: [Double]
  }

  /// Eigen-decomposition of (X_cQ)ᵀ(X_cQ)/(n−1), the covariance restricted to span(Q).
  private func rayleighRitz(_ y: [Float], n: Int, b: Int) -> RitzResult {
    var t = [Double](repeating: 0, count: b * b)
    y.withUnsafeBufferPointer { p in
      for i in 0..<n {
        let row = i &* b
        for r in 0..<b {
          let yr = Double(p[row &+ r])
          for c in r..<b { t[r &* b &+ c] += yr * Double(p[row &+ c]) }
        }
      }
    }
    for r in 0..<b {
      for c in r..<b {
        t[r * b + c] /= Double(n - 1)
        t[c * b + r] = t[r * b + c]
      }
    }
    let eigen = SymmetricEigen(symmetric: t, dimension: b)
    return RitzResult(values: eigen.values, vectors: eigen.vectors)
  }

  private func multiply(_ xc: [Float], _ q: [Float], into out: inout [Float], n: Int, d: Int, b: Int) {
    xc.withUnsafeBufferPointer { a in
      q.withUnsafeBufferPointer { qb in
        out.withUnsafeMutableBufferPointer { o in
          if b <= SkinnyProduct.maximumColumns {
            SkinnyProduct.multiply(
              a.baseAddress!, lda: d, rows: n, d: d, qb.baseAddress!, columns: b, into: o.baseAddress!)
          } else {
            sgemm(
              .none, .none, m: n, n: b, k: d, alpha: 1, a: a.baseAddress!, lda: d, b: qb.baseAddress!, ldb: b,
              beta: 0, c: o.baseAddress!, ldc: b)
          }
        }
      }
    }
  }

  /// Modified Gram–Schmidt (twice, for stability) on the columns of a rows×columns row-major Float32 matrix.
  private func orthonormalizeColumns(_ m: inout [Float], rows: Int, columns: Int) {
    var v = m.map(Double.init)
    for _ in 0..<2 {
      for c in 0..<columns {
        for p in 0..<c {
          var dot = 0.0
          for r in 0..<rows { dot += v[r * columns + p] * v[r * columns + c] }
          for r in 0..<rows { v[r * columns + c] -= dot * v[r * columns + p] }
        }
        var norm = 0.0
        for r in 0..<rows { norm += v[r * columns + c] * v[r * columns + c] }
        norm = norm.squareRoot()
        for r in 0..<rows { v[r * columns + c] = norm > 0 ? v[r * columns + c] / norm : 0 }
      }
    }
    m = v.map(Float.init)
  }

  /// The first `keep` columns as a D×keep row-major basis, each signed so its largest-magnitude entry is positive.
  private func orientedBasis(_ vectors: [Double], rows: Int, columns: Int, keep: Int) -> [Double] {
    var out = [Double](repeating: 0, count: rows * keep)
    for j in 0..<keep {
      var largest = 0.0
      for r in 0..<rows where abs(vectors[r * columns + j]) > abs(largest) { largest = vectors[r * columns + j] }
      let sign: Double = largest < 0 ? -1 : 1
      for r in 0..<rows { out[r * keep + j] = sign * vectors[r * columns + j] }
    }
    return out
  }
}

/// A fitted PCA: the mean, a D×c orthonormal basis and the variance along each component.
public struct PCAModel: CompressionModel, Equatable {
  /// Shape of one sample (without the leading n) seen in `fit`.
  public let sampleShape: [Int]
  /// Column means (length D).
  public let mean: [Double]
  /// D×c row-major; column j is the j-th principal axis.
  public let components: [Double]
  /// Number of components kept, c.
  public let componentCount: Int
  /// Variance of the data along each component (eigenvalues of the covariance), largest first.
  public let explainedVariance: [Double]
  /// Total variance (trace of the covariance, ddof = 1).
  public let totalVariance: Double

  /// Columns of the codes: c, the `componentCount`.
  public var codeDimension: Int { componentCount }

  /// The projection as c × D row-major rows (row j is the j-th principal axis): the code is rows·(x − mean).
  public var projectionRows: [Double] {
    let d = mean.count, c = componentCount
    var rows = [Double](repeating: 0, count: c * d)
    for j in 0..<d { for r in 0..<c { rows[r * d + j] = components[j * c + r] } }
    return rows
  }

  /// Fraction of the total variance each component explains.
  public var explainedVarianceRatio: [Double] {
    explainedVariance.map { totalVariance > 0 ? $0 / totalVariance : 0 }
  }

  /// Codes (x − mean)·components: n × c.
  /// - Throws: `CompressionError.shapeMismatch` when samples differ in shape from the fitted ones.
  public func transform(_ x: Tensor) throws -> Matrix {
    guard Array(x.shape.dropFirst()) == sampleShape else {
      throw CompressionError.shapeMismatch(expected: sampleShape, found: Array(x.shape.dropFirst()))
    }
    return codes(of: x.scalars, rows: x.shape.first ?? 0, subtracting: mean)
  }

  /// (x − `offset`)·components for the n × D row-major `scalars`: n × c.
  func codes(of scalars: [Float], rows n: Int, subtracting offset: [Double]) -> Matrix {
    let d = mean.count
    let c = componentCount
    var codes = [Double](repeating: 0, count: n * c)
    scalars.withUnsafeBufferPointer { p in
      components.withUnsafeBufferPointer { w in
        offset.withUnsafeBufferPointer { mu in
          codes.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
              for j in 0..<d {
                let v = Double(p[i &* d &+ j]) - mu[j]
                for l in 0..<c { out[i &* c &+ l] += v * w[j &* c &+ l] }
              }
            }
          }
        }
      }
    }
    return Matrix(rows: n, columns: c, scalars: codes)
  }
}
