import Estimators
import Tensor

/// The MI estimator of an information-plane run, as named on the command line.
public enum MIEstimatorChoice: String, Sendable, Codable, CaseIterable {
  /// Weighted Kozachenko–Leonenko entropies (the paper's final choice): I = H(X)+H(L)−H(X,L), whitened.
  case wkl
  /// Classic Kozachenko–Leonenko entropies (first neighbour for d ≤ 4, as the paper's rule), whitened.
  case kl
  /// KSG algorithm 1 for I(X;L); I(L;Y) then uses KL entropies (KSG has no label form).
  case ksg

  /// I(A;B) between two continuous codes, in nats. `rule` applies to the entropy-sum estimators (KSG has its own).
  func continuous(_ a: Matrix, _ b: Matrix, k: Int, seed: UInt64, rule: StandardErrorRule = .sumOfParts) throws
    -> Estimate
  {
    let preprocessing = Preprocessing(seed: seed)
    switch self {
    case .wkl:
      return try EntropySumMI(entropy: WKLEntropy(k: k, preprocessing: preprocessing), standardErrorRule: rule)
        .estimate(a, b)
    case .kl:
      return try EntropySumMI(entropy: KLEntropy(k: k, preprocessing: preprocessing), standardErrorRule: rule)
        .estimate(a, b)
    case .ksg: return try KSG(k: k, preprocessing: preprocessing).estimate(a, b)
    }
  }

  /// I(A;Y) between a continuous code and class labels, in nats.
  func labels(_ a: Matrix, _ labels: [Int32], k: Int, seed: UInt64, rule: StandardErrorRule = .sumOfParts) throws
    -> Estimate
  {
    let preprocessing = Preprocessing(seed: seed)
    switch self {
    case .wkl:
      return try LabelMI(entropy: WKLEntropy(k: k, preprocessing: preprocessing), standardErrorRule: rule)
        .estimate(a, labels: labels)
    case .kl, .ksg:
      return try LabelMI(entropy: KLEntropy(k: k, preprocessing: preprocessing), standardErrorRule: rule)
        .estimate(a, labels: labels)
    }
  }
}
