import Tensor

/// I(L;Y) between a continuous variable L and discrete labels Y by the nearest-neighbour estimator for
/// continuous–discrete pairs of Ross (2014, "Mutual information between discrete and continuous data sets",
/// PLoS ONE 9:e87357), jointly over all of L's dimensions with the max-norm — scikit-learn's
/// `mutual_info_classif` does the same one feature at a time.
///
/// For sample i with label y_i: n_{y_i} samples share its label; d_i is the distance to its k-th nearest other sample
/// of the same label; m_i = #{j ≠ i, any label : ‖l_j − l_i‖∞ ≤ d_i}. Then
/// Î = ψ(n) − ⟨ψ(n_{y_i})⟩ + ψ(k) − ⟨ψ(m_i)⟩, and the standard error is std_i/√n of the per-sample terms
/// ψ(n) − ψ(n_{y_i}) + ψ(k) − ψ(m_i). Exact ties follow Gao et al. (2017): k is replaced by k̃_i, the number of
/// same-label samples within the same closed radius d_i that m_i uses (k without ties; when d_i = 0, the samples
/// at distance 0). Counting both at one radius keeps ties at d_i from pulling the estimate below zero.
///
/// Because m_i ≥ k (and m_i ≥ k̃_i under ties), Î never exceeds the plug-in label entropy
/// Ĥ(Y) = ψ(n) − ⟨ψ(n_{y_i})⟩ ≤ ln K; unlike a difference of separately estimated entropies (`LabelMI`), it stays
/// consistent on the mixtures trained layers produce (class clusters, saturated units, softmax codes). Estimates
/// are noted and flagged by `Estimate.checkingBounds(labelEntropy:)` with that Ĥ(Y).
public struct KSGLabelMI: Sendable, Codable, Equatable {
  /// Same-label neighbours per sample.
  public var k: Int
  /// By default every column is standardised and ties are counted, not jittered (`Preprocessing.scaleFree`).
  public var preprocessing: Preprocessing
  /// How the k-NN searches run (automatic: KD-tree, or brute force in high dimension).
  public var method: NeighbourIndex.Method

  /// `k` same-label neighbours per sample (≥ 1, checked by `estimate`), the preprocessing and the k-NN search
  /// method.
  public init(k: Int = 5, preprocessing: Preprocessing = .scaleFree, method: NeighbourIndex.Method = .automatic) {
    self.k = k
    self.preprocessing = preprocessing
    self.method = method
  }

  /// The plug-in label entropy Ĥ(Y) = ψ(n) − mean_i ψ(n_{y_i}) in nats, the bound of `estimate`.
  public static func labelEntropy(_ labels: [Int32]) -> Double {
    var counts = [Int32: Int]()
    for label in labels { counts[label, default: 0] += 1 }
    let n = labels.count
    guard n > 0 else { return 0 }
    var sum = 0.0
    for count in counts.values { sum += Double(count) * Digamma.value(Double(count)) }
    return Digamma.value(Double(n)) - sum / Double(n)
  }

  /// - Parameters:
  ///   - x: n×d samples of the continuous variable, one row per sample.
  ///   - labels: n class labels, paired with the rows of `x`.
  /// - Returns: Î(L;Y) in nats with its standard error; bound notes against the plug-in label entropy.
  /// - Throws: `EstimatorError` for non-finite values, mismatched counts, k < 1, and a class with ≤ k samples
  ///   (named by label).
  /// - Complexity: expected O(n log n) for d below the brute-force cut-over.
  public func estimate(_ x: Matrix, labels: [Int32]) throws -> Estimate {
    guard k >= 1 else { throw EstimatorError.invalidNeighbourCount(k) }
    try checkFinite(x, variable: "X")
    guard x.rows == labels.count else { throw EstimatorError.sampleCountMismatch(x: x.rows, y: labels.count) }
    var members = [Int32: [Int]]()
    for (i, label) in labels.enumerated() { members[label, default: []].append(i) }
    let classes = members.keys.sorted()
    for c in classes where members[c]!.count <= k {
      throw EstimatorError.tooFewClassSamples(label: c, count: members[c]!.count, k: k)
    }
    let (px, preparedNotes) = try preprocessing.prepare(x, variable: "X", stream: 0)
    var notes = preparedNotes
    let n = px.rows
    // Per sample: the k-th same-label distance (as a strict radius for the all-label count) and k̃.
    var radii = [Double](repeating: 0, count: n)
    var kTilde = [Int](repeating: k, count: n)
    var tiedCount = 0
    for c in classes {
      let rows = members[c]!
      let index = NeighbourIndex(px.selectingRows(rows), metric: .maxNorm, method: method)
      let neighbours = index.kNearest(k: k)
      // ≤ d is < nextUp(d) for doubles; for d = 0, nextUp is the least positive double, so exactly distance 0.
      let kth = rows.indices.map { neighbours.distances[$0 * k + k - 1] }
      let classRadii = kth.map(\.nextUp)
      // k̃_i = same-label samples within the same closed radius: k without ties, more when ties sit at d_i.
      let counts = index.countWithin(radii: classRadii)
      for (position, row) in rows.enumerated() {
        radii[row] = classRadii[position]
        kTilde[row] = counts[position]
        if counts[position] != k || kth[position] == 0 { tiedCount += 1 }
      }
    }
    let m = NeighbourIndex(px, metric: .maxNorm, method: method).countWithin(radii: radii)
    let psi = Digamma.integerTable(upTo: n)
    var terms = [Double](repeating: 0, count: n)
    for c in classes {
      let base = psi[n] - psi[members[c]!.count]
      for row in members[c]! { terms[row] = base + psi[kTilde[row]] - psi[m[row]] }
    }
    if tiedCount > 0 { notes.append(.tiesCounted(variable: "X", share: Double(tiedCount) / Double(n))) }
    let (mean, standardError) = meanAndStandardError(terms)
    return Estimate(value: mean, standardError: standardError, notes: notes)
      .checkingBounds(labelEntropy: Self.labelEntropy(labels))
  }
}
