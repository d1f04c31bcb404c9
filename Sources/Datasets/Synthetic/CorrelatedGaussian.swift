import Foundation
import Tensor

/// Jointly Gaussian (ξ, η) with a prescribed mutual information (docs/method.md §7.1, `multivariate_normal_from_MI`).
///
/// The MI is split equally over m = min(dx, dy) coordinate pairs with correlation ρ = √(1 − e^{−2I/m}); then each
/// side is rotated by its own Haar-random orthogonal matrix (for dimension > 1), so marginals stay N(0, I) and the
/// true MI is exactly `mutualInformation` nats.
public struct CorrelatedGaussian: Sendable, Equatable {
  /// Dimension of ξ (columns of the sampled `x`), ≥ 1.
  public var dx: Int
  /// Dimension of η (columns of the sampled `y`), ≥ 1.
  public var dy: Int
  /// The true I(ξ; η) in nats, ≥ 0.
  public var mutualInformation: Double

  /// ξ in `dx` and η in `dy` dimensions sharing `mutualInformation` nats; the values are checked by `sample`.
  public init(dx: Int, dy: Int, mutualInformation: Double) {
    self.dx = dx
    self.dy = dy
    self.mutualInformation = mutualInformation
  }

  /// The per-pair correlation ρ = √(1 − e^{−2I/m}), m = min(dx, dy).
  public var correlationPerPair: Double {
    let m = Double(min(dx, dy))
    return (1 - exp(-2 * mutualInformation / m)).squareRoot()
  }

  /// Draws n samples: x is n×dx, y is n×dy, row i of x paired with row i of y. A new pair of rotations is drawn
  /// from `rng` on every call.
  /// - Throws: `DatasetsError.invalidParameter` for non-positive dimensions, n < 1 or negative / non-finite MI.
  public func sample(count n: Int, using rng: inout Xoshiro256) throws -> (x: Matrix, y: Matrix) {
    guard dx >= 1, dy >= 1 else {
      throw DatasetsError.invalidParameter("correlated Gaussian needs dx, dy ≥ 1 (got \(dx), \(dy))")
    }
    guard mutualInformation >= 0, mutualInformation.isFinite else {
      throw DatasetsError.invalidParameter(
        "mutual information must be a finite value ≥ 0 nats (got \(mutualInformation))")
    }
    guard n >= 1 else { throw DatasetsError.invalidParameter("sample count must be ≥ 1 (got \(n))") }
    let m = min(dx, dy)
    let rho = correlationPerPair
    let noiseScale = (1 - rho * rho).squareRoot()
    var x = [Double](repeating: 0, count: n * dx)
    var y = [Double](repeating: 0, count: n * dy)
    for i in 0..<n {
      for j in 0..<dx { x[i * dx + j] = rng.nextGaussian() }
      for j in 0..<dy { y[i * dy + j] = rng.nextGaussian() }
      for j in 0..<m { y[i * dy + j] = rho * x[i * dx + j] + noiseScale * y[i * dy + j] }
    }
    let qx = dx > 1 ? RandomRotation.haar(dimension: dx, using: &rng) : nil
    let qy = dy > 1 ? RandomRotation.haar(dimension: dy, using: &rng) : nil
    let rx = qx.map { RandomRotation.apply($0, toRows: x, columns: dx) } ?? x
    let ry = qy.map { RandomRotation.apply($0, toRows: y, columns: dy) } ?? y
    return (Matrix(rows: n, columns: dx, scalars: rx), Matrix(rows: n, columns: dy, scalars: ry))
  }
}

/// Haar-distributed orthogonal matrices (QR of a Gaussian matrix with the sign fix of Mezzadri 2007).
enum RandomRotation {
  /// A d×d row-major orthogonal matrix drawn uniformly from O(d).
  static func haar(dimension d: Int, using rng: inout Xoshiro256) -> [Double] {
    var a = [Double](repeating: 0, count: d * d)
    for i in 0..<(d * d) { a[i] = rng.nextGaussian() }
    // Modified Gram–Schmidt on the columns; the positive-diagonal R makes Q Haar-distributed.
    var q = [Double](repeating: 0, count: d * d)
    for c in 0..<d {
      var v = (0..<d).map { a[$0 * d + c] }
      for p in 0..<c {
        var dot = 0.0
        for r in 0..<d { dot += q[r * d + p] * v[r] }
        for r in 0..<d { v[r] -= dot * q[r * d + p] }
      }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      for r in 0..<d { q[r * d + c] = v[r] / norm }
    }
    return q
  }

  /// Rows of an n×d row-major array multiplied by Qᵀ (each sample rotated by Q).
  static func apply(_ q: [Double], toRows values: [Double], columns d: Int) -> [Double] {
    var out = [Double](repeating: 0, count: values.count)
    let n = values.count / d
    for i in 0..<n {
      for r in 0..<d {
        var total = 0.0
        for c in 0..<d { total += q[r * d + c] * values[i * d + c] }
        out[i * d + r] = total
      }
    }
    return out
  }
}
