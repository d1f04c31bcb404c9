import Foundation
import Tensor

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
  package func addingNoise(_ noise: Noise, seed: UInt64) -> Variable {
    switch noise {
    case let .additive(sigma):
      guard sigma != 0 else { return self }
      let eps = standardNormals(count: value.count, seed: seed)
      let y = parallelZip(value, eps) { x, e, y, r in for i in r { y[i] = x[i] + sigma * e[i] } }
      return Tape.record(y, inputs: [self]) { dy in [dy] }
    case let .relative(sigma):
      guard sigma != 0 else { return self }
      var factor = standardNormals(count: value.count, seed: seed)
      factor.withUnsafeMutableScalars { f in
        for i in 0..<f.count { f[i] = 1 + sigma * f[i] }
      }
      let scale = Tensor(shape: shape, scalars: factor.scalars)
      let y = parallelZip(value, scale) { x, f, y, r in for i in r { y[i] = x[i] * f[i] } }
      return Tape.record(y, inputs: [self]) { dy in
        [parallelZip(dy, scale) { g, f, o, r in for i in r { o[i] = g[i] * f[i] } }]
      }
    }
  }
}

/// `count` standard normal Floats from the counter-based stream of `seed`, as a flat `[count]` tensor.
///
/// Box–Muller on 24-bit uniforms in blocks of 256 pairs: pair j uses bits(seed, j); block b writes its 256
/// cosine draws, then its 256 sine draws, to elements 512·b ..< 512·(b + 1). Blocks are fixed, so any thread split
/// gives the same numbers. The logarithm and sine/cosine are SIMD polynomials (relative error < 1e-6); libm calls
/// were 60 % of the noise layers' time.
func standardNormals(count: Int, seed: UInt64) -> Tensor {
  let pairs = (count + 1) / 2
  let blocks = (pairs + 255) / 256
  let values = uninitializedFloats(pairs * 2) { out in
    let op = SendablePointer(out)
    parallelFor(blocks, minimumChunk: max(1, elementwiseChunk / 512)) { range in
      let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: 512)
      let result = UnsafeMutablePointer<Float>.allocate(capacity: 512)
      defer {
        scratch.deallocate()
        result.deallocate()
      }
      for b in range {
        let start = b &* 256
        let n = min(256, pairs &- start)
        for k in 0..<n {
          let bits = randomBits(seed, start &+ k)
          scratch[k] = UInt32(truncatingIfNeeded: bits >> 40)
          scratch[256 &+ k] = UInt32(truncatingIfNeeded: bits >> 8) & 0xFF_FFFF
        }
        boxMuller(
          radiusBits: scratch, angleBits: scratch + 256, count: (n + 7) & ~7, cosines: result, sines: result + 256)
        (op.base + 2 &* start).update(from: result, count: n)
        (op.base + (2 &* start &+ n)).update(from: result + 256, count: n)
      }
    }
  }
  return Tensor(shape: [count], scalars: count == values.count ? values : Array(values.prefix(count)))
}

/// Box–Muller for `count` (a multiple of 8) pairs: radius from 24-bit `radiusBits` (u = (b + 1)·2⁻²⁴ ∈ (0, 1]),
/// angle from 24-bit `angleBits` (2 bits of quadrant, 22 bits inside it).
@inline(__always)
private func boxMuller(
  radiusBits: UnsafePointer<UInt32>, angleBits: UnsafePointer<UInt32>, count: Int,
  cosines: UnsafeMutablePointer<Float>, sines: UnsafeMutablePointer<Float>
) {
  typealias F8 = SIMD8<Float>
  typealias I8 = SIMD8<Int32>
  var k = 0
  while k < count {
    // ln u = ln(b + 1) − 24·ln 2, with ln x = e·ln 2 + 2·atanh((m − 1)/(m + 1)), m ∈ [√½, √2).
    let rb = UnsafeRawPointer(radiusBits + k).loadUnaligned(as: I8.self)
    let x = F8(rb &+ 1)
    let xb = unsafeBitCast(x, to: I8.self)
    let mantissa = xb & 0x7F_FFFF
    // −1 where mantissa > √2 − 1 (then use m/2 and e + 1), else 0; integer masks because SIMD `replacing` is a
    // per-lane loop in Swift 6.3.
    let big = (I8(repeating: 0x35_04F3) &- mantissa) &>> 31
    let m = unsafeBitCast(mantissa | (I8(repeating: 0x3F80_0000) &- (big & 0x80_0000)), to: F8.self)
    let e = F8((xb &>> 23) &- 151 &- big)  // 151 = 127 + 24
    let t = (m - 1) / (m + 1)
    let t2 = t * t
    var p = F8(repeating: 0.222_222_2)
    p = p * t2 + 0.285_714_3
    p = p * t2 + 0.4
    p = p * t2 + 0.666_666_7
    p = p * t2 + 2
    let lnU = e * 0.693_147_2 + t * p
    let radius = (-2 * lnU).squareRoot()
    // Angle q·π/2 + π/4 + y with y ∈ [−π/4, π/4): sine and cosine of y by Taylor series (error < 3e-9).
    let ab = UnsafeRawPointer(angleBits + k).loadUnaligned(as: I8.self)
    let q = ab &>> 22
    let y = (F8(ab & 0x3F_FFFF) * 0x1.0p-22 - 0.5) * (Float.pi / 2)
    let y2 = y * y
    var sp = F8(repeating: 1.0 / 362_880)
    sp = sp * y2 - 1.0 / 5040
    sp = sp * y2 + 1.0 / 120
    sp = sp * y2 - 1.0 / 6
    sp = sp * y2 + 1
    let sy = y * sp
    var cp = F8(repeating: -1.0 / 3_628_800)
    cp = cp * y2 + 1.0 / 40320
    cp = cp * y2 - 1.0 / 720
    cp = cp * y2 + 1.0 / 24
    cp = cp * y2 - 0.5
    let cy = cp * y2 + 1
    let c0 = (cy - sy) * 0.707_106_78  // cos(π/4 + y)
    let s0 = (cy + sy) * 0.707_106_78  // sin(π/4 + y)
    let swap = 0 &- (q & 1)  // −1 in odd quadrants: cosine and sine trade places
    let (cb, sb) = (unsafeBitCast(c0, to: I8.self), unsafeBitCast(s0, to: I8.self))
    let cosine = unsafeBitCast(cb ^ ((cb ^ sb) & swap) ^ (((q &+ 1) & 2) &<< 30), to: F8.self)
    let sine = unsafeBitCast(sb ^ ((cb ^ sb) & swap) ^ ((q & 2) &<< 30), to: F8.self)
    UnsafeMutableRawPointer(cosines + k).storeBytes(of: radius * cosine, as: F8.self)
    UnsafeMutableRawPointer(sines + k).storeBytes(of: radius * sine, as: F8.self)
    k &+= 8
  }
}
