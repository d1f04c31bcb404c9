import Tensor

/// MI between a continuous variable L and discrete labels Y (docs/method.md §4.2): Î(L; Y) = Ĥ(L) − Σ_y p̂(y)·Ĥ(L | Y = y),
/// with p̂ the class frequencies and every class-conditional entropy a fresh fit (own whitening, own neighbours).
/// Standard error by default s_L + Σ_y p̂(y)·s_{L|y}, as in the authors' code (`StandardErrorRule`). Not clipped.
public struct LabelMI<Entropy: EntropyEstimator>: Sendable, Codable {
  /// The entropy estimator of Ĥ(L) and every Ĥ(L | Y = y); its `k` and `preprocessing` apply.
  public var entropy: Entropy
  /// How the standard error combines those of the parts.
  public var standardErrorRule: StandardErrorRule

  /// Î(L;Y) with `entropy` and `standardErrorRule` (default: the sum of the parts' errors).
  public init(entropy: Entropy, standardErrorRule: StandardErrorRule = .sumOfParts) {
    self.entropy = entropy
    self.standardErrorRule = standardErrorRule
  }

  /// - Parameters:
  ///   - x: n×d samples of the continuous variable.
  ///   - labels: n class labels, paired with the rows of `x`.
  /// - Throws: `EstimatorError.tooFewClassSamples` naming the first class (by label) with ≤ k samples, and the
  ///   errors of the entropy estimator.
  public func estimate(_ x: Matrix, labels: [Int32]) throws -> Estimate {
    try checkFinite(x, variable: "X")
    guard x.rows == labels.count else { throw EstimatorError.sampleCountMismatch(x: x.rows, y: labels.count) }
    var members = [Int32: [Int]]()
    for (i, label) in labels.enumerated() { members[label, default: []].append(i) }
    let classes = members.keys.sorted()
    for c in classes where members[c]!.count <= entropy.k {
      throw EstimatorError.tooFewClassSamples(label: c, count: members[c]!.count, k: entropy.k)
    }
    let (px, notes) = try entropy.preprocessing.prepare(x, variable: "X", stream: 0)
    let h = try entropy.entropyTerms(px, variable: "X")
    var value = h.value, error = h.standardError
    var allNotes = notes + h.notes
    // Per-sample MI terms: Î = mean_i (v_{L|y_i},i − v_L,i) + constant corrections.
    var terms = h.perSample.map { -$0 }
    let n = Double(x.rows)
    for c in classes {
      let rows = members[c]!
      let p = Double(rows.count) / n
      let hc = try entropy.entropyTerms(px.selectingRows(rows), variable: "X | label \(c)")
      value -= p * hc.value
      error += p * hc.standardError
      for (position, row) in rows.enumerated() { terms[row] += hc.perSample[position] }
      for note in hc.notes where !allNotes.contains(note) { allNotes.append(note) }
    }
    if standardErrorRule == .perSample { error = meanAndStandardError(terms).standardError }
    return Estimate(value: value, standardError: error, notes: allNotes)
      .checkingBounds(labelEntropy: KSGLabelMI.labelEntropy(labels))
  }
}
