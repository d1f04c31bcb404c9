import Estimators
import Tensor

/// The MI estimator of an information-plane run or a validation, as named on the command line.
///
/// `ksg` is the default of `ib`, `analyze`, `validate` and `estimate`, chosen from the known-truth tables of
/// docs/estimator-evidence.md: on trained-layer codes (class clusters, saturated units, softmax codes) it is right where
/// the paper's difference of entropies is not — for I(L;Y) by Ross's estimator, bounded by the label entropy; for
/// I(X;L) by KSG with Gao et al.'s tie rule, which stays at 0 on clustered codes independent of X where WKL gives
/// +0.77 or −9.9 nats. Its price is KSG's known downward bias on smooth, strongly dependent 4 + 4-dimensional codes.
/// `wkl` is the paper's estimator exactly as published.
public enum MIEstimatorChoice: String, Sendable, Codable, CaseIterable {
  /// Weighted Kozachenko–Leonenko entropies (the paper's final choice): I = H(X)+H(L)−H(X,L), whitened; labels by
  /// I(L;Y) = H(L) − Σ p(y)·H(L|y).
  case wkl
  /// Classic Kozachenko–Leonenko entropies (the k-th neighbour), whitened, in the same two forms.
  case kl
  /// KSG algorithm 1 for I(X;L) (Gao et al.'s tie rule, standardised columns); for I(L;Y) the Ross (2014)
  /// continuous–discrete estimator (`KSGLabelMI`).
  case ksg
  /// KSG algorithm 2 for I(X;L); labels as `ksg`.
  case ksg2

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
    case .ksg: return try KSG(k: k, algorithm: .one).estimate(a, b)
    case .ksg2: return try KSG(k: k, algorithm: .two).estimate(a, b)
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
    case .kl:
      return try LabelMI(entropy: KLEntropy(k: k, preprocessing: preprocessing), standardErrorRule: rule)
        .estimate(a, labels: labels)
    case .ksg, .ksg2:
      return try KSGLabelMI(k: k).estimate(a, labels: labels)
    }
  }
}
