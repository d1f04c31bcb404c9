import CKernels
import Foundation
@_spi(Benchmarks) import Tensor
import Testing

@_spi(Benchmarks) @testable import Estimators

@Suite struct NeighbourIndexTests {
  /// O(n²) reference with the index's rules: raw distances accumulated in order, ties by smaller index.
  static func reference(_ x: Matrix, metric: Metric, k: Int) -> Neighbours {
    let n = x.rows, d = x.columns
    var distances = [Double](), indices = [Int]()
    x.scalars.withUnsafeBufferPointer { p in
      for i in 0..<n {
        var candidates = [(Double, Int)]()
        for j in 0..<n where j != i {
          let raw = rawDistance(metric, p.baseAddress! + i * d, p.baseAddress! + j * d, d)
          candidates.append((raw, j))
        }
        candidates.sort { a, b in a.0 < b.0 || (a.0 == b.0 && a.1 < b.1) }
        for (raw, j) in candidates.prefix(k) {
          distances.append(metric.distance(fromRaw: raw))
          indices.append(j)
        }
      }
    }
    return Neighbours(count: n, k: k, distances: distances, indices: indices)
  }

  static func referenceCounts(_ x: Matrix, metric: Metric, radii: [Double]) -> [Int] {
    let n = x.rows, d = x.columns
    return x.scalars.withUnsafeBufferPointer { p in
      (0..<n).map { i in
        var count = 0
        for j in 0..<n where j != i {
          let raw = rawDistance(metric, p.baseAddress! + i * d, p.baseAddress! + j * d, d)
          if metric.distance(fromRaw: raw) < radii[i] { count += 1 }
        }
        return count
      }
    }
  }

  /// Integer-valued points on a small grid: many exact distance ties and duplicated rows.
  static func tiedData(n: Int, d: Int, seed: UInt64) -> Matrix {
    var rng = Xoshiro256(seed: seed)
    return Matrix(rows: n, columns: d, scalars: (0..<(n * d)).map { _ in Double(rng.nextInt(below: 5)) })
  }

  @Test(arguments: Metric.allCases, [1, 3, 8, 17])
  func matchesBruteForceReferenceWithTies(metric: Metric, d: Int) {
    for (seed, data) in [(1, Self.tiedData(n: 700, d: d, seed: 11)), (2, Synthetic.gaussian(n: 700, d: d, seed: 12))] {
      let k = 6
      let expected = Self.reference(data, metric: metric, k: k)
      for method in [NeighbourIndex.Method.kdTree, .bruteForce] {
        let got = NeighbourIndex(data, metric: metric, method: method).kNearest(k: k)
        #expect(got == expected, "seed \(seed), \(method), d = \(d)")
      }
    }
  }

  @Test(arguments: Metric.allCases, [1, 4, 17])
  func radiusCountsMatchReference(metric: Metric, d: Int) {
    let data = Self.tiedData(n: 600, d: d, seed: 21)
    var rng = Xoshiro256(seed: 22)
    // Radii exactly at tied distances (integers, square roots of integers) and in between.
    let radii = (0..<data.rows).map { i -> Double in
      let r = Double(rng.nextInt(below: 4))
      return i % 3 == 0 ? (metric == .euclidean ? (r * r + 1).squareRoot() : r) : r + 0.5
    }
    let expected = Self.referenceCounts(data, metric: metric, radii: radii)
    for method in [NeighbourIndex.Method.kdTree, .bruteForce] {
      #expect(NeighbourIndex(data, metric: metric, method: method).countWithin(radii: radii) == expected, "\(method)")
    }
  }

  /// Every instruction set this CPU runs (AVX-512, AVX2, portable) searches the tree with the same results: dimensions
  /// below, at and above one vector of dimensions (the box tests' masked tails), ties, duplicated rows, leaves that
  /// end mid-vector, and the tie-counting radius just above 0.
  @Test(arguments: Metric.allCases, [1, 3, 4, 5, 8, 9, 12])
  func everyInstructionSetSearchesAlike(metric: Metric, d: Int) {
    let levels = 0...Int(ck_isa_level())
    for (seed, data) in [(1, Self.tiedData(n: 900, d: d, seed: 41)), (2, Synthetic.gaussian(n: 900, d: d, seed: 42))] {
      let tree = KDTree(data, metric: metric)
      let k = 5
      let expected = Self.reference(data, metric: metric, k: k)
      var rng = Xoshiro256(seed: 43)
      let radii = (0..<data.rows).map { i -> Double in
        switch i % 4 {
        case 0: return expected.distance(i, neighbour: 1 + i % k)  // exactly a neighbour's distance
        case 1: return .leastNonzeroMagnitude
        case 2: return 0
        default: return rng.nextUniform() * 3
        }
      }
      let expectedCounts = Self.referenceCounts(data, metric: metric, radii: radii)
      for level in levels {
        let kernels = ck_kdtree_select(Int32(level))
        #expect(kernels.isa == Int32(level))
        #expect(tree.kNearest(k: k, kernels: kernels) == expected, "seed \(seed), ISA level \(level), d = \(d)")
        #expect(
          tree.countWithin(radii: radii, kernels: kernels) == expectedCounts,
          "seed \(seed), ISA level \(level), d = \(d)")
      }
    }
  }

  /// More neighbours than the searches keep on the stack (k > 64) and more dimensions than their stack query holds
  /// (d > 64) take the heap buffers; the results stay the reference's.
  @Test(arguments: Metric.allCases)
  func largeNeighbourCountsAndDimensionsSearchAlike(metric: Metric) {
    for (n, d, k) in [(400, 3, 70), (150, 70, 4)] {
      let data = Self.tiedData(n: n, d: d, seed: UInt64(51 + d))
      let tree = KDTree(data, metric: metric)
      let expected = Self.reference(data, metric: metric, k: k)
      let radii = (0..<n).map { expected.distance($0, neighbour: 1 + $0 % k) }
      let expectedCounts = Self.referenceCounts(data, metric: metric, radii: radii)
      for level in 0...Int(ck_isa_level()) {
        let kernels = ck_kdtree_select(Int32(level))
        #expect(tree.kNearest(k: k, kernels: kernels) == expected, "ISA level \(level), d = \(d), k = \(k)")
        #expect(tree.countWithin(radii: radii, kernels: kernels) == expectedCounts, "ISA level \(level), d = \(d)")
      }
    }
  }

  /// No samples, or no columns (every distance 0): the searches answer without touching an empty array's storage.
  @Test func emptyAndZeroDimensionalTreesAnswer() {
    for metric in Metric.allCases {
      let empty = KDTree(Matrix(rows: 0, columns: 3, scalars: []), metric: metric)
      #expect(empty.countWithin(radii: []) == [])
      #expect(empty.kNearest(k: 1).distances.isEmpty)
      let flat = KDTree(Matrix(rows: 5, columns: 0, scalars: []), metric: metric)
      #expect(flat.countWithin(radii: [1, 1, 0, 1, 1]) == [4, 4, 0, 4, 4])
      #expect(flat.kNearest(k: 2).indices == [1, 2, 0, 2, 0, 1, 0, 1, 0, 1])
    }
  }

  @Test func oneDimensionalSortedCountsMatchReference() {
    let data = Self.tiedData(n: 500, d: 1, seed: 31)
    let radii = (0..<500).map { Double($0 % 4) }
    #expect(sortedCounts(data.scalars, radii: radii) == Self.referenceCounts(data, metric: .maxNorm, radii: radii))
  }

  @Test func automaticMethodSwitchesAtTheCutOver() {
    let limit = NeighbourIndex.smallSampleLimit
    for metric in Metric.allCases {
      let small = NeighbourIndex.bruteForceMinimumDimension(count: 50, metric: metric)
      #expect(!NeighbourIndex(Synthetic.gaussian(n: 50, d: small - 1, seed: 1), metric: metric).usesBruteForce)
      #expect(NeighbourIndex(Synthetic.gaussian(n: 50, d: small, seed: 1), metric: metric).usesBruteForce)
      let large = NeighbourIndex.bruteForceMinimumDimension(count: limit + 1, metric: metric)
      #expect(large >= small)
      #expect(!NeighbourIndex.prefersBruteForce(count: limit + 1, dimension: large - 1, metric: metric))
      #expect(NeighbourIndex.prefersBruteForce(count: limit + 1, dimension: large, metric: metric))
    }
    // The max-norm prunes better: KSG's 8 + 8 joint search stays on the tree, Euclidean 16-d searches do not.
    #expect(!NeighbourIndex.prefersBruteForce(count: 100_000, dimension: 16, metric: .maxNorm))
    #expect(NeighbourIndex.prefersBruteForce(count: 100_000, dimension: 16, metric: .euclidean))
  }
}
