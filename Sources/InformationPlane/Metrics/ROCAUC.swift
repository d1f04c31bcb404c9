/// Area under the ROC curve, binary and multi-class one-vs-one (Hand & Till 2001; scikit-learn's
/// `roc_auc_score(multi_class="ovo", average="macro")`, which the paper reports).
package enum ROCAUC {
  /// Binary AUC: the probability that a random positive scores above a random negative, ties counting ½
  /// (Mann–Whitney U with average ranks). NaN when either class is absent.
  /// - Complexity: O(n log n).
  package static func binary(scores: [Double], positive: [Bool]) -> Double {
    precondition(scores.count == positive.count, "ROCAUC.binary: \(scores.count) scores for \(positive.count) labels")
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSumPositive = 0.0
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
      let averageRank = Double(i + j) / 2 + 1
      for t in i...j where positive[order[t]] { rankSumPositive += averageRank }
      i = j + 1
    }
    let nPositive = Double(positive.filter { $0 }.count)
    let nNegative = Double(positive.count) - nPositive
    guard nPositive > 0, nNegative > 0 else { return .nan }
    return (rankSumPositive - nPositive * (nPositive + 1) / 2) / (nPositive * nNegative)
  }

  /// Macro one-vs-one AUC over all pairs of classes present in `labels`.
  /// - Parameters:
  ///   - scores: n×c row-major class scores (probabilities or log-probabilities: only their order matters).
  ///   - labels: n class indices in 0..<c.
  /// - Returns: the mean over pairs (a, b) of ½·[AUC(a vs b by score a) + AUC(b vs a by score b)]; NaN when fewer
  ///   than two classes are present.
  package static func oneVsOne(scores: [Double], classes c: Int, labels: [Int32]) -> Double {
    precondition(scores.count == labels.count * c, "ROCAUC.oneVsOne: scores must be n×c")
    let present = Array(Set(labels.map(Int.init))).sorted()
    guard present.count >= 2 else { return .nan }
    var byClass: [Int: [Int]] = [:]
    for (i, y) in labels.enumerated() { byClass[Int(y), default: []].append(i) }
    var total = 0.0
    var pairs = 0
    for (ai, a) in present.enumerated() {
      for b in present[(ai + 1)...] {
        let rows = (byClass[a] ?? []) + (byClass[b] ?? [])
        let isA = rows.map { Int(labels[$0]) == a }
        let aucA = binary(scores: rows.map { scores[$0 * c + a] }, positive: isA)
        let aucB = binary(scores: rows.map { scores[$0 * c + b] }, positive: isA.map { !$0 })
        total += (aucA + aucB) / 2
        pairs += 1
      }
    }
    return total / Double(pairs)
  }
}
