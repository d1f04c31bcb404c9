import Foundation
import Tensor

/// Gaussian noise added to a layer's input (METHOD.md §5).
public enum Noise: Sendable, Equatable, Codable {
  /// y = x + σ·ε, ε ~ N(0, I).
  case additive(sigma: Float)
  /// y = x·(1 + σ·ε): the noise-to-signal ratio σ of the paper's classifier.
  case relative(sigma: Float)

  /// σ of either kind.
  public var sigma: Float {
    switch self {
    case let .additive(sigma), let .relative(sigma): sigma
    }
  }
}

extension Variable {
  /// Inverted dropout: each element is zeroed with probability `p` and the rest scaled by 1/(1 − p).
  ///
  /// The mask comes from counter-based bits of `seed` (element i uses bits(seed, i)), so it does not depend on the
  /// thread split, and the pullback recomputes it instead of storing it.
  public func dropout(probability p: Float, seed: UInt64) -> Variable {
    precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
    guard p > 0 else { return self }
    let threshold = UInt64((Double(p) * 16_777_216).rounded())  // keep when the 24-bit uniform ≥ p
    let scale = 1 / (1 - p)
    let kernel: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void = { x, y, r in
      for i in r { y[i] = (randomBits(seed, i) >> 40) >= threshold ? x[i] * scale : 0 }
    }
    return Tape.record(parallelMap(value, kernel), inputs: [self]) { dy in [parallelMap(dy, kernel)] }
  }

  /// Adds Gaussian noise drawn from `seed` (counter-based, so independent of the thread split).
  /// Additive: the gradient passes unchanged. Relative: y = x·(1 + σε) and dx = dy·(1 + σε), i.e. the gradient
  /// flows through the noise scale σ·x, as in the paper's final code (METHOD.md §5).
  public func addingNoise(_ noise: Noise, seed: UInt64) -> Variable {
    switch noise {
    case let .additive(sigma):
      guard sigma != 0 else { return self }
      let eps = standardNormals(count: value.count, seed: seed)
      let y = parallelZip(value, eps) { x, e, y, r in for i in r { y[i] = x[i] + sigma * e[i] } }
      return Tape.record(y, inputs: [self]) { dy in [dy] }
    case let .relative(sigma):
      guard sigma != 0 else { return self }
      var factor = standardNormals(count: value.count, seed: seed)
      factor.scalars.withUnsafeMutableBufferPointer { f in
        for i in 0..<f.count { f[i] = 1 + sigma * f[i] }
      }
      let scale = Tensor(shape: shape, scalars: factor.scalars)
      let y = parallelZip(value, scale) { x, f, y, r in for i in r { y[i] = x[i] * f[i] } }
      return Tape.record(y, inputs: [self]) { dy in [parallelZip(dy, scale) { g, f, o, r in for i in r { o[i] = g[i] * f[i] } }] }
    }
  }
}

/// `count` standard normal Floats from the counter-based stream of `seed` (Box–Muller on 24-bit uniforms; pair j
/// uses bits(seed, j), so any thread split gives the same numbers). Returned as a flat `[count]` tensor.
func standardNormals(count: Int, seed: UInt64) -> Tensor {
  let pairs = (count + 1) / 2
  let values = uninitializedFloats(pairs * 2) { out in
    let op = SendablePointer(out)
    parallelFor(pairs, minimumChunk: elementwiseChunk / 2) { range in
      for j in range {
        let bits = randomBits(seed, j)
        let u1 = Float((bits >> 40) &+ 1) * 0x1.0p-24  // (0, 1]
        let u2 = Float((bits >> 16) & 0xFF_FFFF) * 0x1.0p-24  // [0, 1)
        let radius = (-2 * Foundation.log(u1)).squareRoot()
        let angle = 2 * Float.pi * u2
        op[2 &* j] = radius * Foundation.cos(angle)
        op[2 &* j &+ 1] = radius * Foundation.sin(angle)
      }
    }
  }
  return Tensor(shape: [count], scalars: count == values.count ? values : Array(values.prefix(count)))
}
