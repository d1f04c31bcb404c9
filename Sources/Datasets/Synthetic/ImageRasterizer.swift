import Foundation

/// The "f2" maps of the synthetic benchmark (docs/method.md §7.3): parameters rendered to single-channel images with
/// values in [0, 1]. Images are returned row-major `[height][width]` (row = y, column = x), Float32.
package enum ImageRasterizer {
  /// Isotropic Gaussian bump exp(−10·[(x − u₀)² + (y − u₁)²]) on the grid x_c = c/(W−1), y_r = r/(H−1).
  package static func blob(_ u0: Double, _ u1: Double, width: Int, height: Int) -> [Float] {
    correlatedBlob((u0, u1, 0, 0, 0.5), width: width, height: height)
  }

  /// Anisotropic, correlated bump with five parameters in [0, 1]:
  /// exp(−10·[(1+u₂)²(x−u₀)² + (1+u₃)²(y−u₁)² + (2u₄−1)(1+u₂)(1+u₃)(x−u₀)(y−u₁)]).
  package static func correlatedBlob(
    _ u: (Double, Double, Double, Double, Double), width: Int, height: Int
  ) -> [Float] {
    var image = [Float](repeating: 0, count: width * height)
    let sx = 1 + u.2
    let sy = 1 + u.3
    let cross = (2 * u.4 - 1) * sx * sy
    for r in 0..<height {
      let y = height > 1 ? Double(r) / Double(height - 1) : 0
      let dy = y - u.1
      for c in 0..<width {
        let x = width > 1 ? Double(c) / Double(width - 1) : 0
        let dx = x - u.0
        let q = sx * sx * dx * dx + sy * sy * dy * dy + cross * dx * dy
        image[r * width + c] = Float(exp(-10 * q))
      }
    }
    return image
  }

  /// Anti-aliased rectangle: pixel (i, j) = overlap([i, i+1], [x0, x1]) × overlap([j, j+1], [y0, y1]), where i runs
  /// along x. Returned row-major with row = i (the paper's first array axis is x), i.e. `image[i * height + j]`.
  /// Coordinates are clipped to the image (docs/method.md §15.12).
  package static func rectangle(
    x0: Double, x1: Double, y0: Double, y1: Double, width: Int, height: Int
  ) -> [Float] {
    func overlap(_ p: Int, _ lo: Double, _ hi: Double) -> Double {
      max(0, min(Double(p + 1), hi) - max(Double(p), lo))
    }
    let cx0 = min(max(x0, 0), Double(width)), cx1 = min(max(x1, 0), Double(width))
    let cy0 = min(max(y0, 0), Double(height)), cy1 = min(max(y1, 0), Double(height))
    var image = [Float](repeating: 0, count: width * height)
    for i in 0..<width {
      let ox = overlap(i, cx0, cx1)
      if ox == 0 { continue }
      for j in 0..<height { image[i * height + j] = Float(ox * overlap(j, cy0, cy1)) }
    }
    return image
  }
}
