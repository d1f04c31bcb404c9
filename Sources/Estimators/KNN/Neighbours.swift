/// The k nearest neighbours of every sample of a k-NN index, each sample excluding itself.
///
/// Row i lists its neighbours nearest first; equal distances are ordered by the smaller sample index, so the
/// result is unique and the same for the KD-tree and the brute-force path.
@_spi(Benchmarks) public struct Neighbours: Sendable, Equatable {
  /// The number of samples n.
  package let count: Int
  /// Neighbours per sample.
  package let k: Int
  /// n×k distances (in the index's metric), row-major: `distances[i * k + j]` is sample i's (j+1)-th nearest.
  package var distances: [Double]
  /// n×k sample indices (0-based rows of the indexed matrix), aligned with `distances`.
  package var indices: [Int]

  /// The distance from sample `i` to its `j`-th nearest neighbour, j = 1…k.
  package func distance(_ i: Int, neighbour j: Int) -> Double { distances[i * k + j - 1] }
}

/// A fixed-capacity list of the best (raw distance, original index) pairs found so far, sorted ascending.
/// `(d, i)` is better than `(d', i')` when d < d', or d == d' and i < i'.
struct NeighbourList {
  let k: Int
  let distances: UnsafeMutablePointer<Double>
  let indices: UnsafeMutablePointer<Int>
  var size = 0

  init(k: Int, distances: UnsafeMutablePointer<Double>, indices: UnsafeMutablePointer<Int>) {
    self.k = k
    self.distances = distances
    self.indices = indices
  }

  /// The k-th best raw distance, or +∞ while fewer than k are held (prune nodes whose bound exceeds it).
  @inline(__always) var bound: Double { size < k ? .infinity : distances[k &- 1] }

  @inline(__always) mutating func reset() { size = 0 }

  /// Offers a candidate; keeps it if it is among the best k.
  @inline(__always) mutating func offer(_ d: Double, _ index: Int) {
    if size == k {
      let last = k &- 1
      guard d < distances[last] || (d == distances[last] && index < indices[last]) else { return }
    } else {
      size &+= 1
    }
    var p = size &- 1
    while p > 0 {
      let q = p &- 1
      let dq = distances[q]
      guard d < dq || (d == dq && index < indices[q]) else { break }
      distances[p] = dq
      indices[p] = indices[q]
      p = q
    }
    distances[p] = d
    indices[p] = index
  }
}
