import Tensor

/// An exact k-nearest-neighbour index over the rows (samples) of an n×d matrix.
///
/// Chooses a KD-tree for low dimension and blocked SIMD brute force above it, by the cut-over measured with
/// `Benchmarks/Sources/knn-bench cutover` (docs/performance.md, "k-NN and KSG"): brute force from
/// `bruteForceMinimumDimension(count:metric:)` dimensions on, which depends on the metric (the max-norm prunes
/// better) and, for the Euclidean metric, on n (brute force costs O(n²·d), so the tree's advantage grows with n). Both
/// paths give identical results: equal distances are ordered by the smaller sample index. Queries run on all cores.
public struct NeighbourIndex: Sendable {
  /// How the index searches.
  public enum Method: String, Sendable, Codable, CaseIterable {
    /// KD-tree below `bruteForceMinimumDimension` dimensions, brute force from there on.
    case automatic
    case kdTree
    case bruteForce
  }

  /// The sample count up to which the Euclidean metric switches to brute force two dimensions earlier.
  package static let smallSampleLimit = 30_000

  /// The first dimension at which `.automatic` searches n samples by brute force: for the Euclidean metric 12 when
  /// n ≤ `smallSampleLimit`, else 14; for the max-norm 18 (measured 2026-12-01: at n = 10⁵ the tree is 1.4× faster
  /// at d = 12 (Euclidean) and 2.1× at d = 16 (max-norm), brute force 1.6× at d = 16 (Euclidean) and 1.4× at d = 20
  /// (max-norm)).
  package static func bruteForceMinimumDimension(count n: Int, metric: Metric) -> Int {
    switch metric {
    case .euclidean: return n <= smallSampleLimit ? 12 : 14
    case .maxNorm: return 18
    }
  }

  /// Whether `.automatic` searches n samples of dimension d in `metric` by brute force.
  package static func prefersBruteForce(count n: Int, dimension d: Int, metric: Metric) -> Bool {
    d >= bruteForceMinimumDimension(count: n, metric: metric)
  }

  enum Storage: Sendable {
    case tree(KDTree)
    case brute(BruteForceIndex)
  }

  let storage: Storage
  /// The metric of every query.
  package let metric: Metric
  /// Samples n.
  package let count: Int
  /// Dimension d.
  package let dimension: Int

  /// Indexes the rows of `points` (n×d, finite values).
  /// - Complexity: O(n·d·log n) for the KD-tree, O(n·d) for brute force.
  @_spi(Benchmarks) public init(_ points: Matrix, metric: Metric, method: Method = .automatic) {
    self.metric = metric
    count = points.rows
    dimension = points.columns
    let useBrute: Bool
    switch method {
    case .automatic: useBrute = Self.prefersBruteForce(count: points.rows, dimension: points.columns, metric: metric)
    case .kdTree: useBrute = false
    case .bruteForce: useBrute = true
    }
    storage = useBrute ? .brute(BruteForceIndex(points, metric: metric)) : .tree(KDTree(points, metric: metric))
  }

  /// Whether this index searches by brute force (otherwise a KD-tree).
  package var usesBruteForce: Bool {
    if case .brute = storage { return true }
    return false
  }

  /// The k nearest neighbours of every sample, excluding the sample itself.
  /// - Precondition: 1 ≤ k < n (the estimators check this and throw `EstimatorError.tooFewSamples` first).
  /// - Complexity: expected O(n log n) for the KD-tree at fixed low d; O(n²·d) for brute force.
  @_spi(Benchmarks) public func kNearest(k: Int) -> Neighbours {
    precondition(k >= 1 && k < count, "kNearest needs 1 ≤ k < n, got k = \(k), n = \(count)")
    switch storage {
    case .tree(let t): return t.kNearest(k: k)
    case .brute(let b): return b.kNearest(k: k)
    }
  }

  /// For every sample i, the number of other samples j with distance(i, j) < radii[i] (strictly inside).
  /// - Parameter radii: one radius per sample, n values.
  package func countWithin(radii: [Double]) -> [Int] {
    precondition(radii.count == count, "countWithin needs \(count) radii, got \(radii.count)")
    switch storage {
    case .tree(let t): return t.countWithin(radii: radii)
    case .brute(let b): return b.countWithin(radii: radii)
    }
  }
}
