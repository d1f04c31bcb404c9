import Foundation
import Tensor

/// A noisy linear layer with a closed-form information plane (docs/method.md §19.3): X ~ N(0, Σ) in D dimensions with
/// Σ = diag(λ), λ_i = exp(−i/6); L = W·X + σ·ε in `width` dimensions, W a fixed seeded Gaussian matrix with entries
/// N(0, 1/D). Codes X̃ = A·X and L̃ = B·L by linear projections (the PCA fitted per epoch) are jointly Gaussian, so
/// I(X̃;L̃) = ½·[ln det Σ_X̃ + ln det Σ_L̃ − ln det Σ_joint] with Σ_X̃ = AΣAᵀ, Σ_L̃ = B(WΣWᵀ + σ²I)Bᵀ and
/// Σ_X̃L̃ = AΣWᵀBᵀ — evaluated with the population covariances and the projections actually fitted.
package struct LinearNetwork: Sendable, Equatable, Codable {
  /// D, the input dimension (≥ 64 in the validation task).
  package var inputDimension: Int
  /// The layer width.
  package var width: Int
  /// The noise σ (absolute).
  package var noise: Double
  /// W, width × D row-major.
  package let weights: [Double]

  package init(inputDimension: Int = 64, width: Int = 16, noise: Double, weightSeed: UInt64 = 0x11E4) {
    self.inputDimension = inputDimension
    self.width = width
    self.noise = noise
    var rng = Xoshiro256(seed: weightSeed)
    let scale = 1 / Double(inputDimension).squareRoot()
    weights = (0..<(width * inputDimension)).map { _ in rng.nextGaussian() * scale }
  }

  /// The variances λ_i of X's coordinates, largest first.
  package var inputVariances: [Double] { (0..<inputDimension).map { exp(-Double($0) / 6) } }

  /// n samples: X `[n, D]` and L `[n, width]`.
  package func sample(count n: Int, using rng: inout Xoshiro256) -> (x: Matrix, l: Matrix) {
    let d = inputDimension, w = width
    let sd = inputVariances.map { $0.squareRoot() }
    var x = [Double](repeating: 0, count: n * d), l = [Double](repeating: 0, count: n * w)
    for i in 0..<n {
      for j in 0..<d { x[i * d + j] = sd[j] * rng.nextGaussian() }
      for r in 0..<w {
        var acc = 0.0
        for j in 0..<d { acc += weights[r * d + j] * x[i * d + j] }
        l[i * w + r] = acc + noise * rng.nextGaussian()
      }
    }
    return (Matrix(rows: n, columns: d, scalars: x), Matrix(rows: n, columns: w, scalars: l))
  }

  /// I(A·X; B·L) in nats for projections A (a × D) and B (b × width), row-major.
  package func mutualInformation(projectingX a: [Double], rows ra: Int, projectingL b: [Double], rows rb: Int) -> Double
  {
    let d = inputDimension, w = width
    let lambda = inputVariances
    // AΣ (ra × D), then AΣAᵀ and AΣWᵀ.
    var aSigma = a
    for r in 0..<ra { for j in 0..<d { aSigma[r * d + j] *= lambda[j] } }
    let sxx = product(aSigma, ra, d, transposing: a, ra)
    let aSigmaWt = product(aSigma, ra, d, transposing: weights, w)  // ra × w
    let sxl = product(aSigmaWt, ra, w, transposing: b, rb)  // ra × rb
    let sll = product(product(b, rb, w, times: layerCovariance, w), rb, w, transposing: b, rb)
    let m = ra + rb
    var joint = [Double](repeating: 0, count: m * m)
    for i in 0..<ra { for j in 0..<ra { joint[i * m + j] = sxx[i * ra + j] } }
    for i in 0..<rb { for j in 0..<rb { joint[(ra + i) * m + ra + j] = sll[i * rb + j] } }
    for i in 0..<ra {
      for j in 0..<rb {
        joint[i * m + ra + j] = sxl[i * rb + j]
        joint[(ra + j) * m + i] = sxl[i * rb + j]
      }
    }
    return 0.5 * (logDeterminant(sxx, ra) + logDeterminant(sll, rb) - logDeterminant(joint, m))
  }

  /// Σ_L = WΣWᵀ + σ²I, width × width row-major.
  package var layerCovariance: [Double] {
    let d = inputDimension, w = width
    let lambda = inputVariances
    var c = [Double](repeating: 0, count: w * w)
    for r in 0..<w {
      for s in 0..<w {
        var acc = 0.0
        for j in 0..<d { acc += weights[r * d + j] * lambda[j] * weights[s * d + j] }
        c[r * w + s] = acc + (r == s ? noise * noise : 0)
      }
    }
    return c
  }

  /// I(X̃;L̃) with the population principal axes (the top `components` of Σ and of Σ_L) — what a PCA fitted on
  /// many samples converges to.
  package func populationMutualInformation(components c: Int) -> Double {
    let d = inputDimension, w = width
    var a = [Double](repeating: 0, count: c * d)
    for r in 0..<c { a[r * d + r] = 1 }  // Σ is diagonal with decreasing variances
    let eigen = SymmetricEigen(symmetric: layerCovariance, dimension: w)
    let order = eigen.values.indices.sorted { eigen.values[$0] > eigen.values[$1] }
    var b = [Double](repeating: 0, count: c * w)
    for r in 0..<c { for s in 0..<w { b[r * w + s] = eigen.vectors[s * w + order[r]] } }
    return mutualInformation(projectingX: a, rows: c, projectingL: b, rows: c)
  }

  /// The network with the noise σ whose population-PCA MI (`components` per side) is `target` nats, by bisection
  /// on ln σ. - Throws: `DatasetsError.invalidParameter` for targets outside (0, the σ → 0 limit).
  package func withNoise(forMutualInformation target: Double, components: Int) throws -> LinearNetwork {
    var copy = self
    copy.noise = 1e-4
    let top = copy.populationMutualInformation(components: components)
    guard target > 0, target < top else {
      throw DatasetsError.invalidParameter(
        String(
          format: "MI %g nats is outside (0, %.3f), the range of the linear-network task", target, top))
    }
    var lo = log(1e-4), hi = log(1e4)
    for _ in 0..<80 {
      let mid = 0.5 * (lo + hi)
      copy.noise = exp(mid)
      if copy.populationMutualInformation(components: components) > target { lo = mid } else { hi = mid }
    }
    copy.noise = exp(0.5 * (lo + hi))
    return copy
  }
}

/// P·Qᵀ for P (p × k) and Q (q × k), row-major.
private func product(_ p: [Double], _ rows: Int, _ k: Int, transposing q: [Double], _ qRows: Int) -> [Double] {
  var out = [Double](repeating: 0, count: rows * qRows)
  for i in 0..<rows {
    for j in 0..<qRows {
      var acc = 0.0
      for l in 0..<k { acc += p[i * k + l] * q[j * k + l] }
      out[i * qRows + j] = acc
    }
  }
  return out
}

/// P·Q for P (p × k) and Q (k × q), row-major.
private func product(_ p: [Double], _ rows: Int, _ k: Int, times q: [Double], _ columns: Int) -> [Double] {
  var out = [Double](repeating: 0, count: rows * columns)
  for i in 0..<rows {
    for l in 0..<k { for j in 0..<columns { out[i * columns + j] += p[i * k + l] * q[l * columns + j] } }
  }
  return out
}

/// ln det of a symmetric positive-definite m × m matrix by Cholesky (−∞ when not positive definite).
private func logDeterminant(_ a: [Double], _ m: Int) -> Double {
  var l = [Double](repeating: 0, count: m * m)
  var result = 0.0
  for j in 0..<m {
    var diagonal = a[j * m + j]
    for k in 0..<j { diagonal -= l[j * m + k] * l[j * m + k] }
    guard diagonal > 0 else { return -.infinity }
    let root = diagonal.squareRoot()
    l[j * m + j] = root
    result += 2 * log(root)
    for i in (j + 1)..<max(j + 1, m) {
      var acc = a[i * m + j]
      for k in 0..<j { acc -= l[i * m + k] * l[j * m + k] }
      l[i * m + j] = acc / root
    }
  }
  return result
}
