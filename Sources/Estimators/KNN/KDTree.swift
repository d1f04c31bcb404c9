import CKernels
@_spi(Kernels) import Tensor

/// An exact KD-tree over the rows of an n×d matrix, for low dimension (`NeighbourIndex`'s cut-over: d < 12–18).
///
/// Median split on the dimension of widest spread, buckets of at most `leafSize` points, points copied into tree
/// order and stored dimension-major (a leaf's coordinates of one dimension are contiguous), and a bounding box per
/// node. The searches run in C (`ck_kdtree_select`: AVX-512, AVX2 or portable, chosen at run time) and scan a leaf
/// several points per vector instruction. Node bounds are computed from the boxes in the same operation order as
/// point distances, so pruning is exact in floating point (no slack): the KD-tree returns the same neighbours and
/// counts as the brute-force path, bit for bit, on every instruction set. Queries visit samples in tree order (cache
/// locality) and run in parallel over all cores (docs/performance.md, "k-NN and KSG").
struct KDTree: Sendable {
  static let leafSize = 64

  let dimension: Int
  let count: Int
  let metric: Metric
  /// Coordinates in tree order, dimension-major: point p's coordinate j at `coordinates[j * stride + p]`, so a
  /// leaf's coordinates of one dimension are contiguous (the searches scan several points per vector instruction).
  let coordinates: [Double]
  /// The distance between dimensions in `coordinates`: count + 8 (the vector loads at a leaf's end read past it).
  let stride: Int
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
          // One pass over the node's rows (each read once, contiguously): minima then maxima per dimension.
          let b = box.count
          box.append(contentsOf: repeatElement(Double.infinity, count: d))
          box.append(contentsOf: repeatElement(-Double.infinity, count: d))
          guard d > 0 else { return id }
          box.withUnsafeMutableBufferPointer { bx in
            for p in s..<e {
              let row = x.baseAddress! + perm[p] &* d
              for j in 0..<d {
                let v = row[j]
                if v < bx[b &+ j] { bx[b &+ j] = v }
                if v > bx[b &+ d &+ j] { bx[b &+ d &+ j] = v }
              }
            }
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
    if box.isEmpty { box.append(0) }  // no samples or no columns: the searches still take every array's address
    lower = lo; upper = hi; left = l; right = r; boxes = box; splitDimension = sd; splitValue = sv
    original = perm
    let stride = n + 8
    var ordered = [Double](repeating: 0, count: stride * max(d, 1))  // never empty: the searches take its address
    matrix.scalars.withUnsafeBufferPointer { x in
      ordered.withUnsafeMutableBufferPointer { o in
        for p in 0..<n {
          let src = perm[p] * d
          for j in 0..<d { o[j &* stride &+ p] = x[src &+ j] }
        }
      }
    }
    self.stride = stride
    coordinates = ordered
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
  func kNearest(k: Int) -> Neighbours { kNearest(k: k, kernels: Self.kernels) }

  /// For every sample i, the number of other samples j with distance(i, j) < radii[i] (strict).
  func countWithin(radii: [Double]) -> [Int] { countWithin(radii: radii, kernels: Self.kernels) }

  /// The searches of the widest instruction set this CPU runs (`ck_kdtree_select`).
  static let kernels = ck_kdtree_select(ck_isa_level())

  /// `kNearest(k:)` with the searches of a given instruction-set level (tests compare the levels).
  func kNearest(k: Int, kernels: ck_kdtree_kernels) -> Neighbours {
    let n = count, metric = self.metric
    guard n > 0 else { return Neighbours(count: 0, k: k, distances: [], indices: []) }
    var distances = [Double](repeating: 0, count: n * k)
    var indices = [Int](repeating: 0, count: n * k)
    distances.withUnsafeMutableBufferPointer { dOut in
      indices.withUnsafeMutableBufferPointer { iOut in
        let dp = SendablePointer(dOut.baseAddress!)
        let ip = SendablePointer(UnsafeMutableRawPointer(iOut.baseAddress!).assumingMemoryBound(to: Int64.self))
        withTree { tree, original in
          let knn = kernels.knn!
          parallelFor(n, minimumChunk: 256) { range in
            knn(tree.base, Int64(range.lowerBound), Int64(range.upperBound), Int32(k), dp.base, ip.base)
            guard metric == .euclidean else { return }
            for p in range {
              let row = original[p] &* k
              for j in 0..<k { dp[row &+ j] = metric.distance(fromRaw: dp[row &+ j]) }
            }
          }
        }
      }
    }
    return Neighbours(count: n, k: k, distances: distances, indices: indices)
  }

  /// `countWithin(radii:)` with the searches of a given instruction-set level.
  func countWithin(radii: [Double], kernels: ck_kdtree_kernels) -> [Int] {
    let n = count
    guard n > 0 else { return [] }
    let thresholds = radii.map { metric.rawThreshold(forRadius: $0) }
    var counts = [Int](repeating: 0, count: n)
    counts.withUnsafeMutableBufferPointer { cOut in
      thresholds.withUnsafeBufferPointer { t in
        let cp = SendablePointer(UnsafeMutableRawPointer(cOut.baseAddress!).assumingMemoryBound(to: Int64.self))
        let tp = SendablePointer(t.baseAddress!)
        withTree { tree, _ in
          let countFunction = kernels.count!
          parallelFor(n, minimumChunk: 256) { range in
            countFunction(tree.base, Int64(range.lowerBound), Int64(range.upperBound), tp.base, cp.base)
          }
        }
      }
    }
    return counts
  }

  /// The tree as a `ck_kdtree` (it and its pointers valid only inside `body`) and the original rows by tree position.
  private func withTree<R>(_ body: (SendablePointer<ck_kdtree>, SendablePointer<Int>) -> R) -> R {
    coordinates.withUnsafeBufferPointer { c in
      original.withUnsafeBufferPointer { orig in
        boxes.withUnsafeBufferPointer { bx in
          lower.withUnsafeBufferPointer { lo in
            upper.withUnsafeBufferPointer { hi in
              left.withUnsafeBufferPointer { l in
                right.withUnsafeBufferPointer { r in
                  splitDimension.withUnsafeBufferPointer { sd in
                    splitValue.withUnsafeBufferPointer { sv in
                      let originalRows = UnsafeRawPointer(orig.baseAddress!).assumingMemoryBound(to: Int64.self)
                      let tree = ck_kdtree(
                        d: Int32(dimension), metric: metric.kernelCode, coordinates: c.baseAddress!,
                        stride: Int64(stride), boxes: bx.baseAddress!, lower: lo.baseAddress!, upper: hi.baseAddress!,
                        left: l.baseAddress!, right: r.baseAddress!, split_dimension: sd.baseAddress!,
                        split_value: sv.baseAddress!, original: originalRows)
                      return withUnsafePointer(to: tree) {
                        body(SendablePointer($0), SendablePointer(orig.baseAddress!))
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
}
