import CKernels
@_spi(Kernels) import Tensor

/// Exact k-NN by blocked brute force, for higher dimension where a KD-tree no longer prunes.
///
/// The data are kept transposed (one row per dimension) so `ck_distance_tile` computes a tile of query-block ×
/// candidate-block distances with SIMD; Swift then selects per query row. Distances are bit-identical to the
/// KD-tree's (both accumulate Σ (aⱼ − bⱼ)² in order without fused multiply-add). Parallel over query blocks.
struct BruteForceIndex: Sendable {
  static let queryBlock = 32
  static let candidateBlock = 512

  let dimension: Int
  let count: Int
  let metric: Metric
  /// Row-major samples, n×d.
  let rows: [Double]
  /// Transposed samples, d×n.
  let columns: [Double]

  init(_ matrix: Matrix, metric: Metric) {
    dimension = matrix.columns
    count = matrix.rows
    self.metric = metric
    rows = matrix.scalars
    var t = [Double](repeating: 0, count: matrix.rows * matrix.columns)
    let n = matrix.rows, d = matrix.columns
    matrix.scalars.withUnsafeBufferPointer { x in
      t.withUnsafeMutableBufferPointer { t in
        for i in 0..<n { for j in 0..<d { t[j &* n &+ i] = x[i &* d &+ j] } }
      }
    }
    columns = t
  }

  /// Calls `body(queryStart, queryCount, candidateStart, candidateCount, tile)` for every tile of raw distances,
  /// the query blocks split across threads; the tile is queryCount×candidateCount with row stride `candidateBlock`.
  private func forEachTile(
    _ body: @Sendable (_ q0: Int, _ nq: Int, _ c0: Int, _ nc: Int, _ tile: UnsafePointer<Double>) -> Void
  ) {
    let n = count, d = dimension, metricCode = metric.kernelCode
    let qb = Self.queryBlock, cb = Self.candidateBlock
    let blocks = (n + qb - 1) / qb
    rows.withUnsafeBufferPointer { x in
      columns.withUnsafeBufferPointer { t in
        let xp = SendablePointer(x.baseAddress!), tp = SendablePointer(t.baseAddress!)
        parallelFor(blocks, minimumChunk: 4) { range in
          let tile = UnsafeMutablePointer<Double>.allocate(capacity: qb * cb)
          defer { tile.deallocate() }
          for block in range {
            let q0 = block * qb, nq = min(qb, n - q0)
            var c0 = 0
            while c0 < n {
              let nc = min(cb, n - c0)
              ck_distance_tile(
                metricCode, Int32(d), xp.base + q0 * d, d, Int32(nq), tp.base + c0, n, Int32(nc), tile, cb)
              body(q0, nq, c0, nc, tile)
              c0 += nc
            }
          }
        }
      }
    }
  }

  /// The k nearest other samples of every sample. - Complexity: O(n²·d).
  func kNearest(k: Int) -> Neighbours {
    let n = count, cb = Self.candidateBlock
    var distances = [Double](repeating: .infinity, count: n * k)
    var indices = [Int](repeating: 0, count: n * k)
    // Per-query lists live directly in the output rows; each query's row is written by one thread only.
    var sizes = [Int](repeating: 0, count: n)
    distances.withUnsafeMutableBufferPointer { dOut in
      indices.withUnsafeMutableBufferPointer { iOut in
        sizes.withUnsafeMutableBufferPointer { sOut in
          let dp = SendablePointer(dOut.baseAddress!), ip = SendablePointer(iOut.baseAddress!)
          let sp = SendablePointer(sOut.baseAddress!)
          forEachTile { q0, nq, c0, nc, tile in
            for r in 0..<nq {
              let i = q0 &+ r
              var list = NeighbourList(k: k, distances: dp.base + i &* k, indices: ip.base + i &* k)
              list.size = sp[i]
              var bound = list.bound
              let row = tile + r &* cb
              for c in 0..<nc where row[c] <= bound {
                let j = c0 &+ c
                if j == i { continue }
                list.offer(row[c], j)
                bound = list.bound
              }
              sp[i] = list.size
            }
          }
        }
      }
    }
    let metric = self.metric
    distances.withUnsafeMutableBufferPointer { d in
      for p in d.indices { d[p] = metric.distance(fromRaw: d[p]) }
    }
    return Neighbours(count: n, k: k, distances: distances, indices: indices)
  }

  /// For every sample i, the number of other samples j with distance(i, j) < radii[i] (strict).
  func countWithin(radii: [Double]) -> [Int] {
    let n = count, cb = Self.candidateBlock, metric = self.metric
    let thresholds = radii.map { metric.rawThreshold(forRadius: $0) }
    var counts = [Int](repeating: 0, count: n)
    counts.withUnsafeMutableBufferPointer { cOut in
      thresholds.withUnsafeBufferPointer { th in
        let cp = SendablePointer(cOut.baseAddress!), tp = SendablePointer(th.baseAddress!)
        forEachTile { q0, nq, c0, nc, tile in
          for r in 0..<nq {
            let i = q0 &+ r, t = tp[i]
            let row = tile + r &* cb
            var total = 0
            for c in 0..<nc where row[c] < t { total &+= 1 }
            if i >= c0 && i < c0 &+ nc && t > 0 { total &-= 1 }  // the sample itself, at distance 0
            cp[i] &+= total
          }
        }
      }
    }
    return counts
  }
}
