import Tensor

/// An exact KD-tree over the rows of an n×d matrix, for low dimension (DESIGN.md: d ≲ 12).
///
/// Median split on the dimension of widest spread, buckets of at most `leafSize` points, points copied into tree
/// order so a leaf is contiguous, and a bounding box per node. Node bounds are computed from the boxes in the same
/// operation order as point distances, so pruning is exact in floating point (no slack): the KD-tree returns the
/// same neighbours and counts as the brute-force path, bit for bit. Queries visit samples in tree order (cache
/// locality) and run in parallel over all cores (notes/kernel-study.md §3).
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

  /// Builds the tree. - Complexity: O(n·d·log n).
  init(_ matrix: Matrix, metric: Metric) {
    let n = matrix.rows, d = matrix.columns
    dimension = d
    count = n
    self.metric = metric
    var perm = Array(0..<n)
    var lo = [Int32](), hi = [Int32](), l = [Int32](), r = [Int32](), box = [Double]()
    let nodeEstimate = max(1, 2 * n / Self.leafSize + 1)
    lo.reserveCapacity(nodeEstimate); hi.reserveCapacity(nodeEstimate)
    l.reserveCapacity(nodeEstimate); r.reserveCapacity(nodeEstimate)
    box.reserveCapacity(nodeEstimate * 2 * d)
    matrix.scalars.withUnsafeBufferPointer { x in
      perm.withUnsafeMutableBufferPointer { perm in
        // Iterative build with an explicit stack of (node, start, end).
        func newNode(_ s: Int, _ e: Int) -> Int {
          let id = lo.count
          lo.append(Int32(s)); hi.append(Int32(e)); l.append(-1); r.append(-1)
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
          let a = newNode(s, m), c = newNode(m, e)
          l[node] = Int32(a); r[node] = Int32(c)
          stack.append(a); stack.append(c)
        }
      }
    }
    lower = lo; upper = hi; left = l; right = r; boxes = box
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
    let n = count
    var distances = [Double](repeating: 0, count: n * k)
    var indices = [Int](repeating: 0, count: n * k)
    distances.withUnsafeMutableBufferPointer { dOut in
      indices.withUnsafeMutableBufferPointer { iOut in
        let dp = SendablePointer(dOut.baseAddress!), ip = SendablePointer(iOut.baseAddress!)
        withSearch { search in
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
                dp[row &+ j] = metric.distance(fromRaw: heapD[j])
                ip[row &+ j] = heapI[j]
              }
            }
          }
        }
      }
    }
    return Neighbours(count: n, k: k, distances: distances, indices: indices)
  }

  /// For every sample i, the number of other samples j with distance(i, j) < radii[i] (strict).
  func countWithin(radii: [Double]) -> [Int] {
    let n = count
    var counts = [Int](repeating: 0, count: n)
    counts.withUnsafeMutableBufferPointer { cOut in
      radii.withUnsafeBufferPointer { radii in
        let cp = SendablePointer(cOut.baseAddress!), rp = SendablePointer(radii.baseAddress!)
        withSearch { search in
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

  private func withSearch<R>(_ body: (TreeSearch) -> R) -> R {
    points.withUnsafeBufferPointer { pts in
      original.withUnsafeBufferPointer { orig in
        boxes.withUnsafeBufferPointer { bx in
          lower.withUnsafeBufferPointer { lo in
            upper.withUnsafeBufferPointer { hi in
              left.withUnsafeBufferPointer { l in
                right.withUnsafeBufferPointer { r in
                  body(
                    TreeSearch(
                      metric: metric, d: dimension, points: pts.baseAddress!, original: orig.baseAddress!,
                      boxes: bx.baseAddress!, lower: lo.baseAddress!, upper: hi.baseAddress!,
                      left: l.baseAddress!, right: r.baseAddress!))
                }
              }
            }
          }
        }
      }
    }
  }
}

/// Raw pointers into a `KDTree` for the recursive searches (valid only inside `KDTree.withSearch`).
struct TreeSearch: Sendable {
  let metric: Metric
  let d: Int
  private let pointsBox: SendablePointer<Double>, originalBox: SendablePointer<Int>
  private let boxesBox: SendablePointer<Double>
  private let lowerBox: SendablePointer<Int32>, upperBox: SendablePointer<Int32>
  private let leftBox: SendablePointer<Int32>, rightBox: SendablePointer<Int32>

  init(
    metric: Metric, d: Int, points: UnsafePointer<Double>, original: UnsafePointer<Int>,
    boxes: UnsafePointer<Double>, lower: UnsafePointer<Int32>, upper: UnsafePointer<Int32>,
    left: UnsafePointer<Int32>, right: UnsafePointer<Int32>
  ) {
    self.metric = metric
    self.d = d
    pointsBox = SendablePointer(points); originalBox = SendablePointer(original); boxesBox = SendablePointer(boxes)
    lowerBox = SendablePointer(lower); upperBox = SendablePointer(upper)
    leftBox = SendablePointer(left); rightBox = SendablePointer(right)
  }

  var points: UnsafePointer<Double> { UnsafePointer(pointsBox.base) }
  var original: UnsafePointer<Int> { UnsafePointer(originalBox.base) }
  var boxes: UnsafePointer<Double> { UnsafePointer(boxesBox.base) }
  var lower: UnsafePointer<Int32> { UnsafePointer(lowerBox.base) }
  var upper: UnsafePointer<Int32> { UnsafePointer(upperBox.base) }
  var left: UnsafePointer<Int32> { UnsafePointer(leftBox.base) }
  var right: UnsafePointer<Int32> { UnsafePointer(rightBox.base) }

  /// Least raw distance from `q` to any point of the node's box (same operation order as `rawDistance`).
  @inline(__always) func minimumRaw(_ q: UnsafePointer<Double>, _ node: Int) -> Double {
    let b = boxes + node &* 2 &* d
    var acc = 0.0
    for j in 0..<d {
      let lo = b[j], hi = b[d &+ j], v = q[j]
      let diff = v < lo ? lo - v : (v > hi ? v - hi : 0)
      if metric == .maxNorm { acc = acc < diff ? diff : acc } else { acc = acc + diff * diff }
    }
    return acc
  }

  /// Greatest raw distance from `q` to any point of the node's box.
  @inline(__always) func maximumRaw(_ q: UnsafePointer<Double>, _ node: Int) -> Double {
    let b = boxes + node &* 2 &* d
    var acc = 0.0
    for j in 0..<d {
      let diff = max(abs(q[j] - b[j]), abs(q[j] - b[d &+ j]))
      if metric == .maxNorm { acc = acc < diff ? diff : acc } else { acc = acc + diff * diff }
    }
    return acc
  }

  func nearest(query q: UnsafePointer<Double>, selfPosition: Int, node: Int, into list: inout NeighbourList) {
    let a = Int(left[node])
    if a < 0 {
      for p in Int(lower[node])..<Int(upper[node]) where p != selfPosition {
        let raw = rawDistance(metric, q, points + p &* d, d)
        if raw <= list.bound { list.offer(raw, original[p]) }
      }
      return
    }
    let c = Int(right[node])
    let da = minimumRaw(q, a), dc = minimumRaw(q, c)
    let (first, dFirst, second, dSecond) = da <= dc ? (a, da, c, dc) : (c, dc, a, da)
    if dFirst <= list.bound { nearest(query: q, selfPosition: selfPosition, node: first, into: &list) }
    if dSecond <= list.bound { nearest(query: q, selfPosition: selfPosition, node: second, into: &list) }
  }

  /// Points of the subtree with raw distance < threshold (the query point itself included).
  func count(query q: UnsafePointer<Double>, threshold t: Double, node: Int) -> Int {
    if minimumRaw(q, node) >= t { return 0 }
    if maximumRaw(q, node) < t { return Int(upper[node] &- lower[node]) }
    let a = Int(left[node])
    if a < 0 {
      var total = 0
      for p in Int(lower[node])..<Int(upper[node]) where rawDistance(metric, q, points + p &* d, d) < t {
        total &+= 1
      }
      return total
    }
    return count(query: q, threshold: t, node: a) &+ count(query: q, threshold: t, node: Int(right[node]))
  }
}
