/// The package's seeded random number generator: xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64.
///
/// Uniforms and normals are derived from the raw 64-bit stream by this file's own code using only IEEE-exact
/// operations (+, −, ×, ÷, √) and `DeterministicMath.log`, so the same seed gives bit-identical numbers on every
/// machine and every Swift version (docs/architecture.md, Conventions §8).
public struct Xoshiro256: RandomNumberGenerator, Sendable, Equatable {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
  private var spareGaussian: Double?

  /// Seeds the state by running SplitMix64 from `seed`; any seed, including 0, is valid.
  public init(seed: UInt64) {
    var sm = SplitMix64(seed: seed)
    s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    spareGaussian = nil
  }

  @inlinable @inline(__always) static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 &- k))
  }

  /// The next 64 raw bits of the xoshiro256** stream.
  public mutating func next() -> UInt64 {
    let result = Xoshiro256.rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = Xoshiro256.rotl(s3, 45)
    return result
  }

  /// A uniform Double in [0, 1) with 53 random bits.
  public mutating func nextUniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform Float in [0, 1) with 24 random bits.
  public mutating func nextUniformFloat() -> Float {
    Float(next() >> 40) * 0x1.0p-24
  }

  /// A uniform integer in `0..<upperBound` (Lemire's nearly-divisionless method, unbiased).
  public mutating func nextInt(below upperBound: Int) -> Int {
    precondition(upperBound > 0, "nextInt(below:) needs a positive bound, got \(upperBound)")
    let bound = UInt64(upperBound)
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
    }
    return Int(product.high)
  }

  /// A standard normal Double (Marsaglia's polar method; pairs are cached).
  public mutating func nextGaussian() -> Double {
    if let spare = spareGaussian {
      spareGaussian = nil
      return spare
    }
    while true {
      let u = 2 * nextUniform() - 1
      let v = 2 * nextUniform() - 1
      let s = u * u + v * v
      if s > 0 && s < 1 {
        let factor = (-2 * DeterministicMath.log(s) / s).squareRoot()
        spareGaussian = v * factor
        return u * factor
      }
    }
  }

  /// Shuffles `array` in place (Fisher–Yates with `nextInt(below:)`), identically on every platform.
  public mutating func shuffle<T>(_ array: inout [T]) {
    guard array.count > 1 else { return }
    for i in stride(from: array.count - 1, to: 0, by: -1) {
      let j = nextInt(below: i + 1)
      if i != j { array.swapAt(i, j) }
    }
  }

  /// A random permutation of `0..<count`.
  public mutating func permutation(_ count: Int) -> [Int] {
    var p = Array(0..<count)
    shuffle(&p)
    return p
  }
}

/// SplitMix64 (Steele, Lea & Flood 2014): seeds xoshiro and derives independent child seeds.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64
  /// A generator whose state starts at `seed` (any value).
  public init(seed: UInt64) { state = seed }
  /// The next 64-bit output; each call advances the state by the golden-ratio increment.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Math functions written with IEEE-exact operations only, so results do not depend on the platform's libm.
public enum DeterministicMath {
  /// Natural logarithm of a positive, finite `x`, accurate to about 1 ulp.
  /// Splits x = m·2^e with m in [√½, √2), then ln m = 2·atanh(t), t = (m−1)/(m+1), by its odd series.
  public static func log(_ x: Double) -> Double {
    precondition(x > 0 && x.isFinite, "DeterministicMath.log needs a positive finite argument, got \(x)")
    var m = x.significand  // [1, 2)
    var e = Double(x.exponent)
    if m > 1.4142135623730951 {
      m *= 0.5
      e += 1
    }
    let t = (m - 1) / (m + 1)  // |t| ≤ 0.1716
    let t2 = t * t
    // atanh series to t^29: |t|^31/31 < 1e-25, far below 1 ulp.
    var term = t
    var sum = t
    var k = 3.0
    while k < 31 {
      term *= t2
      sum += term / k
      k += 2
    }
    return 2 * sum + e * 0.6931471805599453
  }
}
