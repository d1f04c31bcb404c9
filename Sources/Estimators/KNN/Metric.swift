/// The distance between two samples (rows) used by the k-NN index.
@_spi(Benchmarks) public enum Metric: String, Sendable, Codable, CaseIterable {
  /// ‖a − b‖₂ = √Σⱼ (aⱼ − bⱼ)².
  case euclidean
  /// ‖a − b‖∞ = maxⱼ |aⱼ − bⱼ| (Chebyshev), the metric of the KSG estimator.
  case maxNorm

  /// The code of this metric in `CKernels`' `ck_distance_tile` (squared Euclidean or max-norm).
  var kernelCode: Int32 { self == .euclidean ? 0 : 1 }

  /// Converts a raw kernel value (squared for Euclidean) to a distance.
  @inline(__always) func distance(fromRaw raw: Double) -> Double {
    self == .euclidean ? raw.squareRoot() : raw
  }

  /// The raw threshold t with `raw < t` ⇔ `distance(fromRaw: raw) < radius` for every raw value ≥ 0, so strict
  /// radius queries are exact in raw (squared) space: √ is monotone, and t is the least double with √t ≥ radius.
  func rawThreshold(forRadius radius: Double) -> Double {
    guard self == .euclidean else { return radius }
    guard radius > 0 else { return 0 }
    guard radius.isFinite else { return .infinity }
    var t = radius * radius
    while t.squareRoot() < radius { t = t.nextUp }
    while t > 0, t.nextDown.squareRoot() >= radius { t = t.nextDown }
    return t
  }
}

/// The raw distance of the k-NN kernels between two points of dimension `d`: Σ (aⱼ − bⱼ)² accumulated in order
/// with separate multiply and add (squared Euclidean), or maxⱼ |aⱼ − bⱼ|. Bit-identical to `ck_distance_tile`.
@inline(__always)
func rawDistance(
  _ metric: Metric, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ d: Int
) -> Double {
  var acc = 0.0
  if metric == .maxNorm {
    for j in 0..<d {
      let diff = abs(a[j] - b[j])
      acc = acc < diff ? diff : acc
    }
  } else {
    for j in 0..<d {
      let diff = a[j] - b[j]
      acc = acc + diff * diff
    }
  }
  return acc
}
