import Foundation

/// Plug-in MI between two discrete variables: Î = Ĥ(A) + Ĥ(B) − Ĥ(A, B) with empirical frequencies.
/// The standard error is std_i of the per-sample log p̂(a_i, b_i)/(p̂(a_i)·p̂(b_i)) over √n (delta method).
public enum DiscreteMI {
  /// - Parameters: a, b: n paired labels.
  /// - Throws: `EstimatorError.sampleCountMismatch`, `.empty` for no samples.
  public static func estimate(_ a: [Int32], _ b: [Int32]) throws -> Estimate {
    guard a.count == b.count else { throw EstimatorError.sampleCountMismatch(x: a.count, y: b.count) }
    guard !a.isEmpty else { throw EstimatorError.empty(variable: "labels", rows: 0, columns: 1) }
    struct Pair: Hashable { let a: Int32, b: Int32 }
    var ca = [Int32: Int](), cb = [Int32: Int](), cab = [Pair: Int]()
    for (x, y) in zip(a, b) {
      ca[x, default: 0] += 1
      cb[y, default: 0] += 1
      cab[Pair(a: x, b: y), default: 0] += 1
    }
    let n = Double(a.count)
    let terms = zip(a, b).map { x, y in
      log(Double(cab[Pair(a: x, b: y)]!) * n / (Double(ca[x]!) * Double(cb[y]!)))
    }
    let (mean, se) = meanAndStandardError(terms)
    return Estimate(value: mean, standardError: se)
  }
}
