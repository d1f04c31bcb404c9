import Foundation
import Tensor

/// The weighted Kozachenko–Leonenko estimator of the paper (Berrett, Samworth & Yuan 2019 weights, the rule of
/// docs/method.md §3): for d ≤ 4 it uses only the 1st neighbour; above, a weighted sum that cancels the leading biases.
public struct WKLEntropy: EntropyEstimator {
  /// Neighbours per sample; raised (and noted) where the weights for a dimension would be over-determined.
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

  /// The k Berrett–Samworth–Yuan weights for dimension d (`WKLWeights`): e₁ for d ≤ 4.
  public func neighbourWeights(dimension d: Int, k: Int) -> [Double] { WKLWeights.weights(dimension: d, k: k) }
}
