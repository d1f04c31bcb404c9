import Foundation
import Tensor

/// Class labels passed through a symmetric noisy channel (docs/method.md §19.3): C uniform on K classes; Y = C with
/// probability 1 − p, otherwise uniform over the other K − 1 classes. When the observed variable determines C
/// (separable clusters), I(L;Y) = I(C;Y) = ln K − H_b(p) − p·ln(K − 1) nats, H_b the binary entropy; at
/// p = (K − 1)/K, Y is independent of L and I = 0 exactly.
package struct LabelChannel: Sendable, Equatable, Codable {
  /// K ≥ 2.
  package var classes: Int
  /// The probability of a changed label, 0…(K − 1)/K.
  package var flipProbability: Double

  package init(classes: Int, flipProbability: Double) {
    self.classes = classes
    self.flipProbability = flipProbability
  }

  /// I(C;Y) in nats.
  package var mutualInformation: Double {
    let p = flipProbability
    let hb = p <= 0 || p >= 1 ? 0 : -p * log(p) - (1 - p) * log(1 - p)
    return log(Double(classes)) - hb - p * log(Double(classes - 1))
  }

  /// The channel whose I(C;Y) is `mutualInformation` nats (0…ln K), by bisection on p ∈ [0, (K − 1)/K], where
  /// I decreases from ln K to 0.
  /// - Throws: `DatasetsError.invalidParameter` outside 0…ln K or for K < 2.
  package static func with(classes: Int, mutualInformation target: Double) throws -> LabelChannel {
    guard classes >= 2 else {
      throw DatasetsError.invalidParameter("a label channel needs ≥ 2 classes (got \(classes))")
    }
    let top = log(Double(classes))
    guard target >= 0, target <= top + 1e-12 else {
      throw DatasetsError.invalidParameter(
        String(
          format: "MI %g nats is outside 0…ln %d = %.4f, the range of %d labels", target, classes, top, classes))
    }
    var lo = 0.0, hi = Double(classes - 1) / Double(classes)
    for _ in 0..<200 {
      let mid = 0.5 * (lo + hi)
      if LabelChannel(classes: classes, flipProbability: mid).mutualInformation > target { lo = mid } else { hi = mid }
    }
    return LabelChannel(classes: classes, flipProbability: 0.5 * (lo + hi))
  }

  /// The label seen for class `c`.
  package func transmit(_ c: Int, using rng: inout Xoshiro256) -> Int {
    guard rng.nextUniform() < flipProbability else { return c }
    return (c + 1 + rng.nextInt(below: classes - 1)) % classes
  }
}
