import Foundation
import Tensor

/// The classic Kozachenko–Leonenko estimator with the k-th neighbour only (w = e_k): Ĥ = ψ(n) − ψ(k) + log V_d
/// + (d/n)·Σ log ρ_{i,k}, with log(n − 1) for ψ(n) as in the paper's code (Kozachenko & Leonenko 1987;
/// Kraskov et al. 2004, eq. 20).
public struct KLEntropy: EntropyEstimator {
  /// Neighbours per sample; only the k-th enters the estimate.
  public var k: Int
  /// Whiten by the sample covariance and add ½·log det Σ̂.
  public var whiten: Bool
  /// NaN/Inf checks, optional standardisation and tie-breaking, applied first.
  public var preprocessing: Preprocessing

  /// `k` neighbours per sample (≥ 1, checked by `estimate`), whitening on or off, and the preprocessing.
  public init(k: Int = 5, whiten: Bool = true, preprocessing: Preprocessing = Preprocessing()) {
    self.k = k
    self.whiten = whiten
    self.preprocessing = preprocessing
  }

  /// e_k: weight 1 on the k-th neighbour and 0 on the others (k values; `d` is not used).
  public func neighbourWeights(dimension d: Int, k: Int) -> [Double] {
    var w = [Double](repeating: 0, count: max(k, 0))
    if k >= 1 { w[k - 1] = 1 }
    return w
  }
}
