import Foundation

/// The invertible "f1" maps of the synthetic benchmark (docs/method.md §7.2): Gaussian latents to uniform coordinates and
/// to rectangle corners. Injective maps preserve mutual information.
package enum LatentMaps {
  /// The standard normal CDF Φ(z) = ½·erfc(−z/√2).
  package static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

  /// Maps two uniforms to a segment [a, b] ⊂ [0, 1] of length ≥ `minimumRatio`, uniformly on the triangle
  /// {a ≥ 0, b ≥ a + m, b ≤ 1} (`normal_to_segment`): a = (1−m)(1 − √(1−u₀)), b = a + m + u₁(1 − a − m).
  package static func segment(_ u0: Double, _ u1: Double, minimumRatio m: Double) -> (a: Double, b: Double) {
    let a = (1 - m) * (1 - (1 - u0).squareRoot())
    return (a, a + m + u1 * (1 - a - m))
  }

  /// Rectangle corners (x0, x1, y0, y1) in pixels from four uniforms, with sides between `minimumSize` and the image
  /// extent (`normal_to_rectangle_coords`; the paper uses min size 2 px on 32×32).
  package static func rectangle(
    _ u: (Double, Double, Double, Double), width: Int, height: Int, minimumSize: Double = 2
  ) -> (x0: Double, x1: Double, y0: Double, y1: Double) {
    let sx = segment(u.0, u.1, minimumRatio: minimumSize / Double(width))
    let sy = segment(u.2, u.3, minimumRatio: minimumSize / Double(height))
    return (sx.a * Double(width), sx.b * Double(width), sy.a * Double(height), sy.b * Double(height))
  }
}
