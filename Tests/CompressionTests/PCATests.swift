import Foundation
import Tensor
import Testing

@testable import Compression

@Suite struct PCATests {
  /// Data with known principal axes: independent Gaussians with standard deviations σ_j along a random rotation.
  static func data(n: Int, sigmas: [Double], seed: UInt64) -> (x: Tensor, axes: [[Double]]) {
    let d = sigmas.count
    var rng = Xoshiro256(seed: seed)
    // Random orthogonal basis via Gram–Schmidt of a Gaussian matrix.
    var axes: [[Double]] = []
    for _ in 0..<d {
      var v = (0..<d).map { _ in rng.nextGaussian() }
      for a in axes {
        let dot = zip(a, v).reduce(0) { $0 + $1.0 * $1.1 }
        v = zip(v, a).map { $0 - dot * $1 }
      }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      axes.append(v.map { $0 / norm })
    }
    var values = [Float](repeating: 0, count: n * d)
    for i in 0..<n {
      var row = [Double](repeating: 3, count: d)  // non-zero mean
      for j in 0..<d {
        let z = sigmas[j] * rng.nextGaussian()
        for r in 0..<d { row[r] += z * axes[j][r] }
      }
      for r in 0..<d { values[i * d + r] = Float(row[r]) }
    }
    return (Tensor(shape: [n, d], scalars: values), axes)
  }

  /// The recovered axes align with the true ones (|cos| ≈ 1) and variances match σ² within sampling error
  /// (relative SE of a variance is √(2/n) ≈ 0.02 at n = 5000; allow 4 SE).
  @Test(arguments: [20, 150])  // exact path (D ≤ 64) and subspace-iteration path
  func recoversKnownAxes(d: Int) throws {
    var sigmas = [Double](repeating: 0.3, count: d)
    sigmas[0] = 5
    sigmas[1] = 3
    sigmas[2] = 2
    let (x, axes) = Self.data(n: 5000, sigmas: sigmas, seed: 1)
    let model = try PCA(components: 3).fit(x, seed: 7)
    for j in 0..<3 {
      var cos = 0.0
      for r in 0..<d { cos += model.components[r * 3 + j] * axes[j][r] }
      #expect(abs(abs(cos) - 1) < 0.01, "axis \(j): |cos| = \(abs(cos))")
      #expect(abs(model.explainedVariance[j] / (sigmas[j] * sigmas[j]) - 1) < 4 * (2.0 / 5000).squareRoot())
    }
    let total = sigmas.reduce(0) { $0 + $1 * $1 }
    #expect(abs(model.totalVariance / total - 1) < 0.03)
  }

  /// Both paths agree with each other on the same data.
  @Test func subspaceIterationMatchesExactEigenvectors() throws {
    let d = 80
    let sigmas = (0..<d).map { 4 * pow(0.8, Double($0)) }
    let (x, _) = Self.data(n: 3000, sigmas: sigmas, seed: 2)
    let model = try PCA(components: 4).fit(x, seed: 3)
    // Exact reference: the covariance of the same data, decomposed with Jacobi.
    let n = 3000
    var mean = [Double](repeating: 0, count: d)
    for i in 0..<n { for j in 0..<d { mean[j] += Double(x.scalars[i * d + j]) / Double(n) } }
    var cov = [Double](repeating: 0, count: d * d)
    for i in 0..<n {
      for r in 0..<d {
        let a = Double(x.scalars[i * d + r]) - mean[r]
        for c in 0..<d { cov[r * d + c] += a * (Double(x.scalars[i * d + c]) - mean[c]) / Double(n - 1) }
      }
    }
    let eigen = SymmetricEigen(symmetric: cov, dimension: d)
    for j in 0..<4 {
      #expect(abs(model.explainedVariance[j] - eigen.values[j]) < 1e-4 * eigen.values[0])
      var cos = 0.0
      for r in 0..<d { cos += model.components[r * 4 + j] * eigen.vectors[r * d + j] }
      #expect(abs(abs(cos) - 1) < 1e-4)
    }
  }

  @Test func codesAreCentredProjections() throws {
    let (x, _) = Self.data(n: 500, sigmas: [2, 1, 0.5], seed: 4)
    let model = try PCA(components: 2).fit(x, seed: 0)
    let codes = try model.transform(x)
    #expect(codes.rows == 500 && codes.columns == 2)
    for c in 0..<2 {
      let column = codes.column(c)
      let mean = column.reduce(0, +) / 500
      let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 499
      #expect(abs(mean) < 1e-5)
      #expect(abs(variance - model.explainedVariance[c]) < 1e-4 * model.explainedVariance[0])
    }
  }

  @Test func invalidRequestsThrow() throws {
    let x = Tensor.zeros([10, 3])
    #expect(throws: CompressionError.componentCount(4, dimension: 3)) { try PCA(components: 4).fit(x, seed: 0) }
    #expect(throws: CompressionError.componentCount(0, dimension: 3)) { try PCA(components: 0).fit(x, seed: 0) }
    #expect(throws: CompressionError.tooFewSamples(n: 1, needed: 2)) {
      try PCA(components: 1).fit(Tensor.zeros([1, 3]), seed: 0)
    }
    var bad = x
    bad[flat: 7] = .nan
    #expect(throws: CompressionError.nonFinite(row: 2, column: 1)) { try PCA(components: 1).fit(bad, seed: 0) }
    var rng = Xoshiro256(seed: 9)
    let model = try PCA(components: 1).fit(Tensor.uniform([10, 3], using: &rng), seed: 0)
    #expect(throws: CompressionError.shapeMismatch(expected: [3], found: [4])) { try model.transform(.zeros([2, 4])) }
  }
}
