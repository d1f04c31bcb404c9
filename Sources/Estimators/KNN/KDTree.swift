@_spi(Kernels) import Tensor

/// An exact KD-tree over the rows of an n×d matrix, for low dimension (docs/architecture.md: d ≲ 12).
///
/// Median split on the dimension of widest spread, buckets of at most `leafSize` points, points copied into tree
/// order so a leaf is contiguous, and a bounding box per node. Node bounds are computed from the boxes in the same
/// operation order as point distances, so pruning is exact in floating point (no slack): the KD-tree returns the
/// same neighbours and counts as the brute-force path, bit for bit. Queries visit samples in tree order (cache
/// locality) and run in parallel over all cores (docs/performance.md, "k-NN and KSG").
struct KDTree: Sendable {
  static let leafSize = 12

  let dimension: Int
  let count: Int
  let metric: Metric
  /// Points in tree order, row-major: count×dimension.
  let points: [Double]
  /// `original[p]` is the matrix row of tree position p.
  let original: [Int]
  /// Per node: first and one-past-last tree position, children (−1 for a leaf).
  let lower: [Int32], upper: [Int32], left: [Int32], right: [Int32]
  /// Per node: box minima then maxima, 2·dimension values.
  let boxes: [Double]
  /// Per internal node: the split dimension and value (left holds coordinates ≤ value, right ≥ value).
  let splitDimension: [Int32], splitValue: [Double]

  /// Builds the tree. - Complexity: O(n·d·log n).
  init(_ matrix: Matrix, metric: Metric) {
    let n = matrix.rows, d = matrix.columns
    dimension = d
    count = n
    self.metric = metric
    var perm = Array(0..<n)
    var lo = [Int32](), hi = [Int32](), l = [Int32](), r = [Int32](), box = [Double]()
    var sd = [Int32](), sv = [Double]()
    let nodeEstimate = max(1, 2 * n / Self.leafSize + 1)
    lo.reserveCapacity(nodeEstimate); hi.reserveCapacity(nodeEstimate)
    l.reserveCapacity(nodeEstimate); r.reserveCapacity(nodeEstimate)
    box.reserveCapacity(nodeEstimate * 2 * d)
    matrix.scalars.withUnsafeBufferPointer { x in
      perm.withUnsafeMutableBufferPointer { perm in
        // Iterative build with an explicit stack of (node, start, end).
        func newNode(_ s: Int, _ e: Int) -> Int {
          let id = lo.count
          lo.append(Int32(s)); hi.append(Int32(e)); l.append(-1); r.append(-1); sd.append(0); sv.append(0)
          for j in 0..<d {
            var mn = Double.infinity
            for p in s..<e { mn = min(mn, x[perm[p] &* d &+ j]) }
            box.append(mn)
          }
          for j in 0..<d {
            var mx = -Double.infinity
            for p in s..<e { mx = max(mx, x[perm[p] &* d &+ j]) }
            box.append(mx)
          }
          return id
        }
        guard n > 0 else { return }
        var stack = [newNode(0, n)]
        while let node = stack.popLast() {
          let s = Int(lo[node]), e = Int(hi[node])
          guard e - s > Self.leafSize else { continue }
          let b = node * 2 * d
          var dim = 0, spread = -1.0
          for j in 0..<d where box[b + d + j] - box[b + j] > spread {
            spread = box[b + d + j] - box[b + j]
            dim = j
          }
          guard spread > 0 else { continue }  // all points equal: keep as a (large) leaf
          let m = s + (e - s) / 2
          Self.select(perm, s, e, m) { x[$0 &* d &+ dim] }
          sd[node] = Int32(dim)
          sv[node] = x[perm[m] &* d &+ dim]
          let a = newNode(s, m), c = newNode(m, e)
          l[node] = Int32(a); r[node] = Int32(c)
          stack.append(a); stack.append(c)
        }
      }
    }
    lower = lo; upper = hi; left = l; right = r; boxes = box; splitDimension = sd; splitValue = sv
    original = perm
    var ordered = [Double](repeating: 0, count: n * d)
    matrix.scalars.withUnsafeBufferPointer { x in
      ordered.withUnsafeMutableBufferPointer { o in
        for p in 0..<n {
          let src = perm[p] * d, dst = p * d
          for j in 0..<d { o[dst &+ j] = x[src &+ j] }
        }
      }
    }
    points = ordered
  }

  /// Rearranges `perm[s..<e]` so that position m holds the element of rank m − s by `key`, smaller keys before
  /// and larger after (Hoare quickselect with median-of-three pivots).
  static func select(_ perm: UnsafeMutableBufferPointer<Int>, _ s: Int, _ e: Int, _ m: Int, key: (Int) -> Double) {
    var lo = s, hi = e - 1
    while hi > lo {
      let mid = lo + (hi - lo) / 2
      var a = key(perm[lo]), b = key(perm[mid]), c = key(perm[hi])
      if a > b { swap(&a, &b) }
      if b > c { swap(&b, &c) }
      if a > b { swap(&a, &b) }
      let pivot = b
      var i = lo, j = hi
      while i <= j {
        while key(perm[i]) < pivot { i += 1 }
        while key(perm[j]) > pivot { j -= 1 }
        if i <= j {
          perm.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if m <= j { hi = j } else if m >= i { lo = i } else { return }
    }
  }

  /// The k nearest other samples of every sample. - Complexity: expected O(n log n) per fixed low d.
  func kNearest(k: Int) -> Neighbours {
    metric == .maxNorm ? kNearest(k, MaxNormKernel.self) : kNearest(k, SquaredEuclideanKernel.self)
  }

  /// For every sample i, the number of other samples j with distance(i, j) < radii[i] (strict).
  func countWithin(radii: [Double]) -> [Int] {
    metric == .maxNorm ? countWithin(radii, MaxNormKernel.self) : countWithin(radii, SquaredEuclideanKernel.self)
  }

  // Specialise the searches on metric and dimension (unrolled distance loops), as measured in docs/performance.md.
  private func kNearest<M: DistanceKernel>(_ k: Int, _ m: M.Type) -> Neighbours {
    switch dimension {
    case 1: return kNearest(k, M.self, Dimension1.self)
    case 2: return kNearest(k, M.self, Dimension2.self)
    case 3: return kNearest(k, M.self, Dimension3.self)
    case 4: return kNearest(k, M.self, Dimension4.self)
    case 5: return kNearest(k, M.self, Dimension5.self)
    case 6: return kNearest(k, M.self, Dimension6.self)
    case 7: return kNearest(k, M.self, Dimension7.self)
    case 8: return kNearest(k, M.self, Dimension8.self)
    case 9: return kNearest(k, M.self, Dimension9.self)
    case 10: return kNearest(k, M.self, Dimension10.self)
    case 11: return kNearest(k, M.self, Dimension11.self)
    case 12: return kNearest(k, M.self, Dimension12.self)
    case 13: return kNearest(k, M.self, Dimension13.self)
    case 14: return kNearest(k, M.self, Dimension14.self)
    case 15: return kNearest(k, M.self, Dimension15.self)
    case 16: return kNearest(k, M.self, Dimension16.self)
    default: return kNearest(k, M.self, AnyDimension.self)
    }
  }

  private func countWithin<M: DistanceKernel>(_ radii: [Double], _ m: M.Type) -> [Int] {
    switch dimension {
    case 1: return countWithin(radii, M.self, Dimension1.self)
    case 2: return countWithin(radii, M.self, Dimension2.self)
    case 3: return countWithin(radii, M.self, Dimension3.self)
    case 4: return countWithin(radii, M.self, Dimension4.self)
    case 5: return countWithin(radii, M.self, Dimension5.self)
    case 6: return countWithin(radii, M.self, Dimension6.self)
    case 7: return countWithin(radii, M.self, Dimension7.self)
    case 8: return countWithin(radii, M.self, Dimension8.self)
    case 9: return countWithin(radii, M.self, Dimension9.self)
    case 10: return countWithin(radii, M.self, Dimension10.self)
    case 11: return countWithin(radii, M.self, Dimension11.self)
    case 12: return countWithin(radii, M.self, Dimension12.self)
    case 13: return countWithin(radii, M.self, Dimension13.self)
    case 14: return countWithin(radii, M.self, Dimension14.self)
    case 15: return countWithin(radii, M.self, Dimension15.self)
    case 16: return countWithin(radii, M.self, Dimension16.self)
    default: return countWithin(radii, M.self, AnyDimension.self)
    }
  }

  private func kNearest<M: DistanceKernel, D: FixedDimension>(_ k: Int, _: M.Type, _: D.Type) -> Neighbours {
    let n = count
    var distances = [Double](repeating: 0, count: n * k)
    var indices = [Int](repeating: 0, count: n * k)
    distances.withUnsafeMutableBufferPointer { dOut in
      indices.withUnsafeMutableBufferPointer { iOut in
        let dp = SendablePointer(dOut.baseAddress!), ip = SendablePointer(iOut.baseAddress!)
        withSearch(M.self, D.self) { search in
          parallelFor(n, minimumChunk: 256) { range in
            let heapD = UnsafeMutablePointer<Double>.allocate(capacity: k)
            let heapI = UnsafeMutablePointer<Int>.allocate(capacity: k)
            defer { heapD.deallocate(); heapI.deallocate() }
            var list = NeighbourList(k: k, distances: heapD, indices: heapI)
            for p in range {
              list.reset()
              search.nearest(query: search.points + p &* search.d, selfPosition: p, node: 0, into: &list)
              let row = search.original[p] &* k
              for j in 0..<k {
                dp[row &+ j] = M.distance(fromRaw: heapD[j])
                ip[row &+ j] = heapI[j]
              }
            }
          }
        }
      }
    }
    return Neighbours(count: n, k: k, distances: distances, indices: indices)
  }

  private func countWithin<M: DistanceKernel, D: FixedDimension>(_ radii: [Double], _: M.Type, _: D.Type) -> [Int] {
    let n = count, metric = self.metric
    var counts = [Int](repeating: 0, count: n)
    counts.withUnsafeMutableBufferPointer { cOut in
      radii.withUnsafeBufferPointer { radii in
        let cp = SendablePointer(cOut.baseAddress!), rp = SendablePointer(radii.baseAddress!)
        withSearch(M.self, D.self) { search in
          parallelFor(n, minimumChunk: 256) { range in
            for p in range {
              let row = search.original[p]
              let t = metric.rawThreshold(forRadius: rp[row])
              let all = search.count(query: search.points + p &* search.d, threshold: t, node: 0)
              cp[row] = t > 0 ? all &- 1 : all  // the sample itself is at distance 0
            }
          }
        }
      }
    }
    return counts
  }

  private func withSearch<M: DistanceKernel, D: FixedDimension, R>(
    _: M.Type, _: D.Type, _ body: (TreeSearch<M, D>) -> R
  ) -> R {
    points.withUnsafeBufferPointer { pts in
      original.withUnsafeBufferPointer { orig in
        boxes.withUnsafeBufferPointer { bx in
          lower.withUnsafeBufferPointer { lo in
            upper.withUnsafeBufferPointer { hi in
              left.withUnsafeBufferPointer { l in
                right.withUnsafeBufferPointer { r in
                  splitDimension.withUnsafeBufferPointer { sd in
                    splitValue.withUnsafeBufferPointer { sv in
                      body(
                        TreeSearch<M, D>(
                          dimension: dimension, points: pts.baseAddress!, original: orig.baseAddress!,
                          boxes: bx.baseAddress!, lower: lo.baseAddress!, upper: hi.baseAddress!,
                          left: l.baseAddress!, right: r.baseAddress!, splitDimension: sd.baseAddress!,
                          splitValue: sv.baseAddress!))
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/// The accumulation of a raw distance, as a type so searches specialise on it (no per-element metric branch).
protocol DistanceKernel: Sendable {
  /// acc + diff² (squared Euclidean) or max(acc, |diff|), the same operations as `rawDistance`.
  static func accumulate(_ acc: Double, _ diff: Double) -> Double
  static func distance(fromRaw raw: Double) -> Double
}

enum MaxNormKernel: DistanceKernel {
  @inline(__always) static func accumulate(_ acc: Double, _ diff: Double) -> Double {
    let a = abs(diff)
    return acc < a ? a : acc
  }
  @inline(__always) static func distance(fromRaw raw: Double) -> Double { raw }
}

enum SquaredEuclideanKernel: DistanceKernel {
  @inline(__always) static func accumulate(_ acc: Double, _ diff: Double) -> Double { acc + diff * diff }
  @inline(__always) static func distance(fromRaw raw: Double) -> Double { raw.squareRoot() }
}

/// A dimension known at compile time (1…16), or 0 for "read it at run time" (`AnyDimension`).
protocol FixedDimension: Sendable { static var value: Int { get } }
enum AnyDimension: FixedDimension { static var value: Int { 0 } }
enum Dimension1: FixedDimension { static var value: Int { 1 } }
enum Dimension2: FixedDimension { static var value: Int { 2 } }
enum Dimension3: FixedDimension { static var value: Int { 3 } }
enum Dimension4: FixedDimension { static var value: Int { 4 } }
enum Dimension5: FixedDimension { static var value: Int { 5 } }
enum Dimension6: FixedDimension { static var value: Int { 6 } }
enum Dimension7: FixedDimension { static var value: Int { 7 } }
enum Dimension8: FixedDimension { static var value: Int { 8 } }
enum Dimension9: FixedDimension { static var value: Int { 9 } }
enum Dimension10: FixedDimension { static var value: Int { 10 } }
enum Dimension11: FixedDimension { static var value: Int { 11 } }
enum Dimension12: FixedDimension { static var value: Int { 12 } }
enum Dimension13: FixedDimension { static var value: Int { 13 } }
enum Dimension14: FixedDimension { static var value: Int { 14 } }
enum Dimension15: FixedDimension { static var value: Int { 15 } }
enum Dimension16: FixedDimension { static var value: Int { 16 } }

/// Raw pointers into a `KDTree` for the recursive searches (valid only inside `KDTree.withSearch`).
struct TreeSearch<M: DistanceKernel, D: FixedDimension>: Sendable {
  let dynamicDimension: Int
  /// The dimension: a constant after specialisation unless `D` is `AnyDimension`.
  @inline(__always) var d: Int { D.value == 0 ? dynamicDimension : D.value }
  private let pointsBox: SendablePointer<Double>, originalBox: SendablePointer<Int>
  private let boxesBox: SendablePointer<Double>
  private let lowerBox: SendablePointer<Int32>, upperBox: SendablePointer<Int32>
  private let leftBox: SendablePointer<Int32>, rightBox: SendablePointer<Int32>
  private let splitDimensionBox: SendablePointer<Int32>, splitValueBox: SendablePointer<Double>

  init(
    dimension: Int, points: UnsafePointer<Double>, original: UnsafePointer<Int>,
    boxes: UnsafePointer<Double>, lower: UnsafePointer<Int32>, upper: UnsafePointer<Int32>,
    left: UnsafePointer<Int32>, right: UnsafePointer<Int32>, splitDimension: UnsafePointer<Int32>,
    splitValue: UnsafePointer<Double>
  ) {
    dynamicDimension = dimension
    pointsBox = SendablePointer(points); originalBox = SendablePointer(original); boxesBox = SendablePointer(boxes)
    lowerBox = SendablePointer(lower); upperBox = SendablePointer(upper)
    leftBox = SendablePointer(left); rightBox = SendablePointer(right)
    splitDimensionBox = SendablePointer(splitDimension); splitValueBox = SendablePointer(splitValue)
  }

  var points: UnsafePointer<Double> { UnsafePointer(pointsBox.base) }
  var original: UnsafePointer<Int> { UnsafePointer(originalBox.base) }
  var boxes: UnsafePointer<Double> { UnsafePointer(boxesBox.base) }
  var lower: UnsafePointer<Int32> { UnsafePointer(lowerBox.base) }
  var upper: UnsafePointer<Int32> { UnsafePointer(upperBox.base) }
  var left: UnsafePointer<Int32> { UnsafePointer(leftBox.base) }
  var right: UnsafePointer<Int32> { UnsafePointer(rightBox.base) }
  var splitDimension: UnsafePointer<Int32> { UnsafePointer(splitDimensionBox.base) }
  var splitValue: UnsafePointer<Double> { UnsafePointer(splitValueBox.base) }

  /// The raw distance between two points (the operations of `rawDistance`, unrolled for a fixed dimension).
  @inline(__always) func distance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>) -> Double {
    var acc = 0.0
    for j in 0..<d { acc = M.accumulate(acc, a[j] - b[j]) }
    return acc
  }

  /// Least raw distance from `q` to any point of the node's box (same operation order as `rawDistance`).
  @inline(__always) func minimumRaw(_ q: UnsafePointer<Double>, _ node: Int) -> Double {
    let b = boxes + node &* 2 &* d
    var acc = 0.0
    for j in 0..<d {
      let lo = b[j], hi = b[d &+ j], v = q[j]
      let diff = v < lo ? lo - v : (v > hi ? v - hi : 0)
      acc = M.accumulate(acc, diff)
    }
    return acc
  }

  /// Greatest raw distance from `q` to any point of the node's box.
  @inline(__always) func maximumRaw(_ q: UnsafePointer<Double>, _ node: Int) -> Double {
    let b = boxes + node &* 2 &* d
    var acc = 0.0
    for j in 0..<d {
      let diff = max(abs(q[j] - b[j]), abs(q[j] - b[d &+ j]))
      acc = M.accumulate(acc, diff)
    }
    return acc
  }

  func nearest(query q: UnsafePointer<Double>, selfPosition: Int, node: Int, into list: inout NeighbourList) {
    let a = Int(left[node])
    if a < 0 {
      for p in Int(lower[node])..<Int(upper[node]) where p != selfPosition {
        let raw = distance(q, points + p &* d)
        if raw <= list.bound { list.offer(raw, original[p]) }
      }
      return
    }
    // Descend into the child on the query's side of the split unconditionally; the other child only when its box
    // can hold a point at most as far as the current k-th (exact bound, so equal distances are not lost).
    let c = Int(right[node])
    let (near, far) = q[Int(splitDimension[node])] < splitValue[node] ? (a, c) : (c, a)
    nearest(query: q, selfPosition: selfPosition, node: near, into: &list)
    if minimumRaw(q, far) <= list.bound { nearest(query: q, selfPosition: selfPosition, node: far, into: &list) }
  }

  /// Points of the subtree with raw distance < threshold (the query point itself included).
  func count(query q: UnsafePointer<Double>, threshold t: Double, node: Int) -> Int {
    if minimumRaw(q, node) >= t { return 0 }
    if maximumRaw(q, node) < t { return Int(upper[node] &- lower[node]) }
    let a = Int(left[node])
    if a < 0 {
      var total = 0
      for p in Int(lower[node])..<Int(upper[node]) where distance(q, points + p &* d) < t {
        total &+= 1
      }
      return total
    }
    return count(query: q, threshold: t, node: a) &+ count(query: q, threshold: t, node: Int(right[node]))
  }
}
