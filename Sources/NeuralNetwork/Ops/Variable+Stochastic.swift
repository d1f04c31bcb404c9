import CKernels
import Foundation
@_spi(Kernels) import Tensor

extension Variable {
  /// Inverted dropout: each element is zeroed with probability `p` and the rest scaled by 1/(1 − p).
  ///
  /// The mask comes from counter-based bits of `seed` (element i uses half of bits(seed, i/2)), so it does not depend on the
  /// thread split, and the pullback recomputes it instead of storing it.
  package func dropout(probability p: Float, seed: UInt64) -> Variable {
    precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
    guard p > 0 else { return self }
    let threshold = UInt64((Double(p) * 16_777_216).rounded())  // keep when the 24-bit uniform ≥ p
    let scale = 1 / (1 - p)
    // Elements 2j and 2j + 1 take the high and low 32 bits of bits(seed, j) (a 24-bit uniform from each half).
    let kernel: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void = { x, y, r in
      var i = r.lowerBound
      if i & 1 == 1 {
        y[i] = ((randomBits(seed, i >> 1) >> 8) & 0xFF_FFFF) >= threshold ? x[i] * scale : 0
        i &+= 1
      }
      while i &+ 1 < r.upperBound {
        let bits = randomBits(seed, i >> 1)
        y[i] = (bits >> 40) >= threshold ? x[i] * scale : 0
        y[i &+ 1] = ((bits >> 8) & 0xFF_FFFF) >= threshold ? x[i &+ 1] * scale : 0
        i &+= 2
      }
      if i < r.upperBound { y[i] = (randomBits(seed, i >> 1) >> 40) >= threshold ? x[i] * scale : 0 }
    }
    return Tape.record(parallelMap(value, kernel), inputs: [self]) { dy in [parallelMap(dy, kernel)] }
  }

  /// Adds Gaussian noise drawn from `seed` (counter-based, so independent of the thread split).
  /// Additive: the gradient passes unchanged. Relative: y = x·(1 + σε) and dx = dy·(1 + σε), i.e. the gradient
  /// flows through the noise scale σ·x, as in the paper's final code (docs/method.md §5).
  ///
  /// With `dropout` (relative noise only), inverted dropout with that probability and seed comes first, fused into the
  /// same factor: y = x·mask/(1 − p)·(1 + σε), one pass forward and backward instead of two, and the mask drawn
  /// once instead of again in the backward pass. The result equals `dropout(...)` then `addingNoise(...)` up to one
  /// rounding of the product.
  package func addingNoise(_ noise: Noise, seed: UInt64, dropout: (probability: Float, seed: UInt64)? = nil)
    -> Variable
  {
    switch noise {
    case let .additive(sigma):
      precondition(dropout == nil, "dropout is fused with relative noise only")
      guard sigma != 0 else { return self }
      let eps = standardNormals(count: value.count, seed: seed)
      let y = parallelZip(value, eps) { x, e, y, r in for i in r { y[i] = x[i] + sigma * e[i] } }
      return Tape.record(y, inputs: [self]) { dy in [dy] }
    case let .relative(sigma):
      guard sigma != 0 else { return dropout.map { self.dropout(probability: $0.probability, seed: $0.seed) } ?? self }
      let factor = relativeNoiseFactors(count: value.count, seed: seed, sigma: sigma, dropout: dropout)
      let scale = Tensor(shape: shape, scalars: factor.scalars)
      let y = parallelZip(value, scale) { x, f, y, r in for i in r { y[i] = x[i] * f[i] } }
      return Tape.record(y, inputs: [self]) { dy in
        [parallelZip(dy, scale) { g, f, o, r in for i in r { o[i] = g[i] * f[i] } }]
      }
    }
  }
}

/// The Box–Muller and noise-factor kernels for this CPU (chosen once).
private let randomKernels = ck_random_select(ck_isa_level())

/// `count` standard normal Floats from the counter-based stream of `seed`, as a flat `[count]` tensor.
///
/// Box–Muller on 24-bit uniforms in blocks of 256 pairs: pair j uses bits(seed, j); block b writes its 256
/// cosine draws, then its 256 sine draws, to elements 512·b ..< 512·(b + 1). Blocks are fixed, so any thread split
/// gives the same numbers. The logarithm and sine/cosine are SIMD polynomials in C (`ck_normal_block`, relative
/// error < 1e-6), compiled for AVX2 where the CPU has it; libm calls were 60 % of the noise layers' time, and the
/// same polynomials in Swift SIMD (baseline SSE) still 11 % of an MNIST-CNN `ib` epoch.
func standardNormals(count: Int, seed: UInt64) -> Tensor {
  noiseFactors(count: count, seed: seed, transform: nil)
}

/// Relative-noise factors `1 + σ·z` for `count` elements (z from `standardNormals(count:seed:)`), and with `dropout`
/// (probability p, seed) the dropout mask folded in: `keep ? (1 + σ·z)/(1 − p) : 0`, the mask exactly as
/// `dropout(probability:seed:)` draws it.
func relativeNoiseFactors(count: Int, seed: UInt64, sigma: Float, dropout: (probability: Float, seed: UInt64)?)
  -> Tensor
{
  let p = dropout?.probability ?? 0
  let threshold = UInt32((Double(p) * 16_777_216).rounded())
  return noiseFactors(
    count: count, seed: seed, transform: (sigma, dropout?.seed ?? 0, threshold, 1 / (1 - p)))
}

/// Normals block by block (in parallel), each block optionally turned into noise factors while in cache.
private func noiseFactors(
  count: Int, seed: UInt64, transform: (sigma: Float, dropSeed: UInt64, threshold: UInt32, scale: Float)?
) -> Tensor {
  let pairs = (count + 1) / 2
  let blocks = (pairs + 255) / 256
  let values = uninitializedFloats(pairs * 2) { out in
    let op = SendablePointer(out)
    parallelFor(blocks, minimumChunk: max(1, elementwiseChunk / 512)) { range in
      for b in range {
        let start = b &* 256
        let n = min(256, pairs &- start)
        let block = op.base + 2 &* start
        randomKernels.normal_block(seed, start, n, block)
        if let t = transform {
          randomKernels.noise_factors(block, 2 &* n, 2 &* start, t.sigma, t.dropSeed, t.threshold, t.scale)
        }
      }
    }
  }
  return Tensor(shape: [count], scalars: count == values.count ? values : Array(values.prefix(count)))
}
