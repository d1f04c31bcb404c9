@_spi(Kernels) import Tensor

/// Elements per parallel chunk below which elementwise kernels stay on one thread.
let elementwiseChunk = 1 << 15

/// A new array of `count` Floats whose every element `body` writes (no zero-fill first).
@inline(__always)
func uninitializedFloats(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
    if let base = buffer.baseAddress { body(base) }
    initialized = count
  }
}

/// A new zero-filled array of `count` Floats that `body` then updates.
@inline(__always)
func zeroedFloats(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
    if let base = buffer.baseAddress {
      base.initialize(repeating: 0, count: count)
      body(base)
    }
    initialized = count
  }
}

/// Runs `body(x, y, range)` over `0..<count` in parallel chunks, `x` the input and `y` a fresh output.
@inline(__always)
func parallelMap(
  _ input: Tensor, _ body: @escaping @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void
) -> Tensor {
  let count = input.count
  let out = input.scalars.withUnsafeBufferPointer { xb in
    uninitializedFloats(count) { y in
      guard let xBase = xb.baseAddress else { return }
      let xp = SendablePointer(xBase)
      let yp = SendablePointer(y)
      parallelFor(count, minimumChunk: elementwiseChunk) { range in body(UnsafePointer(xp.base), yp.base, range) }
    }
  }
  return Tensor(shape: input.shape, scalars: out)
}

/// Runs `body(a, b, y, range)` over two equally long inputs into a fresh output, in parallel chunks.
@inline(__always)
func parallelZip(
  _ a: Tensor, _ b: Tensor,
  _ body:
    @escaping @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void
) -> Tensor {
  precondition(a.count == b.count, "elementwise op needs equal sizes, got \(a.shape) and \(b.shape)")
  let count = a.count
  let out = a.scalars.withUnsafeBufferPointer { ab in
    b.scalars.withUnsafeBufferPointer { bb in
      uninitializedFloats(count) { y in
        guard let aBase = ab.baseAddress, let bBase = bb.baseAddress else { return }
        let ap = SendablePointer(aBase)
        let bp = SendablePointer(bBase)
        let yp = SendablePointer(y)
        parallelFor(count, minimumChunk: elementwiseChunk) { range in
          body(UnsafePointer(ap.base), UnsafePointer(bp.base), yp.base, range)
        }
      }
    }
  }
  return Tensor(shape: a.shape, scalars: out)
}

/// Counter-based random bits: a SplitMix64 finaliser of `seed + index·φ`, so element `index` of a noise or dropout
/// tensor gets the same bits whatever the thread split, and a checkpoint only needs the seed and the step.
@inline(__always)
func randomBits(_ seed: UInt64, _ index: Int) -> UInt64 {
  var z = seed &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15
  z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
  z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
  return z ^ (z >> 31)
}

/// Mixes two seeds into one (for per-layer and per-step seeds).
@inline(__always)
func mixSeed(_ a: UInt64, _ b: UInt64) -> UInt64 {
  randomBits(a ^ 0x5851_F42D_4C95_7F2D, Int(truncatingIfNeeded: b))
}
