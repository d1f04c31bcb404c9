import Foundation
@_spi(Kernels) import Tensor

/// The Kraskov–Stögbauer–Grassberger k-NN estimator of I(X;Y) with the max-norm (Kraskov et al. 2004).
///
/// ε_i is the max-norm distance from z_i = (x_i, y_i) to its k-th nearest other joint sample.
/// - Algorithm 1 (eq. 8): n_x(i) = #{j ≠ i : ‖x_j − x_i‖∞ < ε_i} (strict), likewise n_y;
///   Î = ψ(k) + ψ(n) − mean_i[ψ(n_x + 1) + ψ(n_y + 1)].
/// - Algorithm 2 (eq. 9): ε_x(i), ε_y(i) are the largest marginal distances among the k joint neighbours;
///   n_x(i) = #{j ≠ i : ‖x_j − x_i‖∞ ≤ ε_x(i)}; Î = ψ(k) − 1/k + ψ(n) − mean_i[ψ(n_x) + ψ(n_y)].
/// The standard error is std_i of the bracketed per-sample term / √n. One-dimensional marginals are counted by
/// binary search in the sorted column; multi-dimensional ones by the k-NN index's radius count.
///
/// Mixtures of discrete and continuous parts (saturated units, duplicated codes): when ε_i = 0 — the sample has k or
/// more exact duplicates — k is replaced by k̃_i = #{j ≠ i : z_j = z_i} and the marginal counts become the numbers of
/// exact marginal ties (Gao, Kannan, Oh & Viswanath 2017, "Estimating mutual information for discrete-continuous
/// mixtures", Algorithm 1), which keeps the estimator consistent without jitter. Seeded jitter remains available
/// (`Preprocessing.breakTies`). By default each column is standardised first (`Preprocessing.scaleFree`): the
/// max-norm of the joint space otherwise weighs X and Y by their arbitrary units.
public struct KSG: MutualInformationEstimator {
  /// Which of the two estimators of Kraskov et al. (2004).
  public enum Algorithm: String, Sendable, Codable, CaseIterable {
    case one
    case two
  }

  /// Joint neighbours per sample.
  public var k: Int
  /// Algorithm 1 (strict counts within ε_i) or 2 (counts within the neighbours' marginal radii).
  public var algorithm: Algorithm
  /// Checks, standardisation and tie handling applied to X and Y first (default `.scaleFree`).
  public var preprocessing: Preprocessing
  /// How the joint k-NN search runs (automatic: KD-tree, or brute force in high dimension).
  public var method: NeighbourIndex.Method

  /// `k` joint neighbours per sample (≥ 1, checked by `estimate`), the algorithm, the preprocessing and the k-NN
  /// search method.
  public init(
    k: Int = 5, algorithm: Algorithm = .one, preprocessing: Preprocessing = .scaleFree,
    method: NeighbourIndex.Method = .automatic
  ) {
    self.k = k
    self.algorithm = algorithm
    self.preprocessing = preprocessing
    self.method = method
  }

  /// - Throws: `EstimatorError` for non-finite values, mismatched row counts, k < 1 and n ≤ k.
  /// - Complexity: expected O(n log n) for dx + dy below the brute-force cut-over, O(n²·(dx + dy)) above.
  public func estimate(_ x: Matrix, _ y: Matrix) throws -> Estimate {
    guard k >= 1 else { throw EstimatorError.invalidNeighbourCount(k) }
    let (px, py, preparedNotes) = try preparePair(x, y, preprocessing)
    var notes = preparedNotes
    let n = px.rows
    guard n > k else { throw EstimatorError.tooFewSamples(variable: "X and Y", n: n, k: k) }
    let joint = px.concatenatingColumns(py)
    let index = NeighbourIndex(joint, metric: .maxNorm, method: method)
    let neighbours = index.kNearest(k: k)
    let psi = Digamma.integerTable(upTo: n)
    // Gao et al.'s rule: a zero k-th distance means exact ties; count them (radius "just above 0" = distance 0).
    let tiny = Double.leastNonzeroMagnitude
    let eps = (0..<n).map { neighbours.distances[$0 * k + k - 1] }
    let tied = eps.map { $0 == 0 }
    let tiedCount = tied.reduce(0) { $0 + ($1 ? 1 : 0) }
    var kTilde = [Int](repeating: k, count: n)
    if tiedCount > 0 {
      let counts = index.countWithin(radii: tied.map { $0 ? tiny : 0 })
      for i in 0..<n where tied[i] { kTilde[i] = counts[i] }
      notes.append(.tiesCounted(variable: "(X, Y)", share: Double(tiedCount) / Double(n)))
    }
    var terms = [Double](repeating: 0, count: n)
    switch algorithm {
    case .one:
      let radii = eps.map { $0 == 0 ? tiny : $0 }
      let nx = marginalCounts(px, radii: radii), ny = marginalCounts(py, radii: radii)
      for i in 0..<n { terms[i] = psi[kTilde[i]] + psi[n] - psi[nx[i] + 1] - psi[ny[i] + 1] }
    case .two:
      let ex = marginalRadii(px, neighbours), ey = marginalRadii(py, neighbours)
      // ≤ ε is < nextUp(ε) for doubles.
      let nx = marginalCounts(px, radii: ex.map(\.nextUp)), ny = marginalCounts(py, radii: ey.map(\.nextUp))
      for i in 0..<n {
        let kt = Double(kTilde[i])
        terms[i] = psi[kTilde[i]] - 1 / kt + psi[n] - psi[max(nx[i], 1)] - psi[max(ny[i], 1)]
      }
    }
    let (value, standardError) = meanAndStandardError(terms)
    return Estimate(value: value, standardError: standardError, notes: notes).checkingBounds()
  }

  /// Per sample, the largest max-norm distance in `m` to its joint neighbours (ε_x(i) of algorithm 2).
  func marginalRadii(_ m: Matrix, _ neighbours: Neighbours) -> [Double] {
    let d = m.columns, k = neighbours.k
    return (0..<m.rows).map { i in
      var r = 0.0
      for j in 0..<k {
        let other = neighbours.indices[i * k + j]
        for c in 0..<d { r = max(r, abs(m.scalars[other * d + c] - m.scalars[i * d + c])) }
      }
      return r
    }
  }

  /// Per sample i, #{j ≠ i : ‖m_j − m_i‖∞ < radii[i]}.
  func marginalCounts(_ m: Matrix, radii: [Double]) -> [Int] {
    if m.columns == 1 { return sortedCounts(m.scalars, radii: radii) }
    return NeighbourIndex(m, metric: .maxNorm).countWithin(radii: radii)
  }
}

/// Per value i, #{j ≠ i : |v_j − v_i| < radii[i]} by two binary searches in the sorted values. The predicates
/// v_i − s < r and s − v_i < r are monotone in s even in floating point, so the counts equal the tree's exactly.
func sortedCounts(_ values: [Double], radii: [Double]) -> [Int] {
  let sorted = values.sorted()
  let n = values.count
  var counts = [Int](repeating: 0, count: n)
  sorted.withUnsafeBufferPointer { s in
    counts.withUnsafeMutableBufferPointer { out in
      let sp = SendablePointer(s.baseAddress!), op = SendablePointer(out.baseAddress!)
      values.withUnsafeBufferPointer { v in
        radii.withUnsafeBufferPointer { r in
          let vp = SendablePointer(v.baseAddress!), rp = SendablePointer(r.baseAddress!)
          parallelFor(n, minimumChunk: 4096) { range in
            for i in range {
              let x = vp[i], radius = rp[i]
              guard radius > 0 else { continue }
              // First index with x − s < r, then first index with s − x ≥ r.
              var lo = 0, hi = n
              while lo < hi {
                let mid = (lo &+ hi) >> 1
                if x - sp[mid] < radius { hi = mid } else { lo = mid &+ 1 }
              }
              let first = lo
              hi = n
              while lo < hi {
                let mid = (lo &+ hi) >> 1
                if sp[mid] - x >= radius { hi = mid } else { lo = mid &+ 1 }
              }
              op[i] = lo &- first &- 1
            }
          }
        }
      }
    }
  }
  return counts
}
