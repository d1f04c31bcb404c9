import Estimators
import Tensor

/// The MI estimator of an information-plane run or a validation, as named on the command line.
///
/// `auto` is the default of `ib`, `analyze` and `validate`, chosen from the known-truth tables of
/// docs/estimator-evidence.md: I(L;Y) by Ross's estimator (right on class clusters and softmax codes, where the
/// paper's difference of entropies is not); I(X;L) by KSG when both codes have at most 2 coordinates (the smaller error
/// there: noisy-quantized d = 1, blobs AE(2)), otherwise by the paper's whitened WKL (the smaller error on 4 + 4-dimensional
/// noisy-quantized, linear-network and cluster-codes tasks, where KSG is biased low) unless that estimate is flagged or fails — degenerate
/// codes, below zero beyond its error, a singular covariance — and then by KSG with Gao et al.'s tie rule.
/// `wkl` is the paper's estimator exactly as published.
public enum MIEstimatorChoice: String, Sendable, Codable, CaseIterable {
  /// I(L;Y) by `ksg`'s Ross estimator; I(X;L) by `ksg` for codes of ≤ 2 coordinates per side, else by `wkl`, or by
  /// `ksg` where `wkl` is flagged or fails (noted).
  case auto
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
    case .auto:
      if a.columns <= 2 && b.columns <= 2 { return try KSG(k: k, algorithm: .one).estimate(a, b) }
      var reason: String
      do {
        let first = try MIEstimatorChoice.wkl.continuous(a, b, k: k, seed: seed, rule: rule)
        guard first.isFlagged else { return first }
        reason = "was flagged (" + first.flags.compactMap(\.flagName).joined(separator: ", ") + ")"
      } catch let error as EstimatorError {
        reason = "failed (\(error.description))"
      }
      var fallback = try KSG(k: k, algorithm: .one).estimate(a, b)
      fallback.notes.insert(.fallback(from: "wkl", to: "ksg", reason: reason), at: 0)
      return fallback
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
    case .auto, .ksg, .ksg2:
      return try KSGLabelMI(k: k).estimate(a, labels: labels)
    }
  }
}
