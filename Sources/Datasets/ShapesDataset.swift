import Foundation
import Tensor

/// The built-in `shapes` dataset: procedurally drawn images of ten shape classes with random position, size,
/// rotation and stroke width, anti-aliased from signed distance fields. Needs nothing installed, so the
/// information-plane experiment runs on a fresh machine; same seed → same images everywhere.
///
/// Two variants: 28×28 grey (`shapes`, MNIST's layout) and 32×32 colour (`shapes-color`, CIFAR-10's layout), where
/// each image has its own random background and foreground colour (colours carry no class information).
package enum ShapesDataset {
  /// Class names, indexed by label.
  package static let classNames = [
    "disk", "ring", "square", "square-outline", "triangle", "triangle-outline", "plus", "bar", "star", "equals",
  ]
  /// Side of the grey images.
  package static let imageSize = 28
  /// Side of the colour images.
  package static let colourImageSize = 32

  /// `count` images `[count, 1, 28, 28]` (grey) or `[count, 3, 32, 32]` (`colour`) with values in [0, 1], and labels
  /// 0…9 in equal proportions (shuffled).
  /// - Throws: `DatasetsError.invalidParameter` when count < 1.
  package static func generate(count: Int, seed: UInt64, colour: Bool = false) throws
    -> (images: Tensor, labels: [Int32])
  {
    guard count >= 1 else { throw DatasetsError.invalidParameter("shapes dataset size must be ≥ 1 (got \(count))") }
    var rng = Xoshiro256(seed: seed)
    var labels = (0..<count).map { Int32($0 % classNames.count) }
    rng.shuffle(&labels)
    let size = colour ? colourImageSize : imageSize
    let channels = colour ? 3 : 1
    let plane = size * size
    var pixels = [Float](repeating: 0, count: count * channels * plane)
    var coverage = [Float](repeating: 0, count: plane)
    for (i, label) in labels.enumerated() {
      let shape = RandomShape(label: Int(label), size: size, using: &rng)
      guard colour else {
        pixels.withUnsafeMutableBufferPointer { buffer in
          shape.render(into: buffer.baseAddress! + i * plane, size: size)
        }
        continue
      }
      // Background dark, foreground light, each channel drawn independently: the shape stays visible in every
      // image while colour says nothing about the class.
      let background = (0..<3).map { _ in Float(0.45 * rng.nextUniform()) }
      let foreground = (0..<3).map { _ in Float(0.55 + 0.45 * rng.nextUniform()) }
      coverage.withUnsafeMutableBufferPointer { shape.render(into: $0.baseAddress!, size: size) }
      for c in 0..<3 {
        let base = (i * 3 + c) * plane
        for j in 0..<plane { pixels[base + j] = background[c] + coverage[j] * (foreground[c] - background[c]) }
      }
    }
    return (Tensor(shape: [count, channels, size, size], scalars: pixels), labels)
  }
}

/// One randomly placed, sized and rotated shape, rendered by its signed distance (negative inside).
struct RandomShape {
  let label: Int
  let centre: (x: Double, y: Double)
  let radius: Double
  let angle: Double
  let stroke: Double

  /// A shape for an image of `size`×`size` pixels; sizes and margins scale with size/28.
  init(label: Int, size: Int = ShapesDataset.imageSize, using rng: inout Xoshiro256) {
    self.label = label
    let scale = Double(size) / Double(ShapesDataset.imageSize)
    radius = (5 + 3 * rng.nextUniform()) * scale  // 5…8 px at 28×28
    // The widest shapes reach 1.07 radii from the centre, outlines another stroke/2, anti-aliasing half a pixel.
    let margin = 1.07 * radius + 2.5 * scale
    let span = Double(size) - 2 * margin
    centre = (margin + span * rng.nextUniform(), margin + span * rng.nextUniform())
    angle = 2 * Double.pi * rng.nextUniform()
    stroke = (1.5 + 1.5 * rng.nextUniform()) * scale  // 1.5…3 px at 28×28
  }

  func render(into out: UnsafeMutablePointer<Float>, size: Int) {
    let (c, s) = (cos(angle), sin(angle))
    for row in 0..<size {
      for col in 0..<size {
        // Pixel centre in shape-local coordinates (rotated, unit = radius).
        let dx = Double(col) + 0.5 - centre.x
        let dy = Double(row) + 0.5 - centre.y
        let lx = (c * dx + s * dy) / radius
        let ly = (-s * dx + c * dy) / radius
        let sdf = signedDistance(lx, ly) * radius  // back to pixels
        let coverage: Double
        if isOutline {
          coverage = 0.5 - (abs(sdf) - stroke / 2)
        } else {
          coverage = 0.5 - sdf
        }
        out[row * size + col] = Float(min(1, max(0, coverage)))
      }
    }
  }

  private var isOutline: Bool { label == 1 || label == 3 || label == 5 }

  /// Signed distance in units of the radius.
  private func signedDistance(_ x: Double, _ y: Double) -> Double {
    switch label {
    case 0, 1: return (x * x + y * y).squareRoot() - 1
    case 2, 3: return Self.box(x, y, halfWidth: 0.75, halfHeight: 0.75)
    case 4, 5: return Self.polygon(x, y, Self.triangle)
    case 6: return min(Self.box(x, y, halfWidth: 1, halfHeight: 0.22), Self.box(x, y, halfWidth: 0.22, halfHeight: 1))
    case 7: return Self.box(x, y, halfWidth: 1, halfHeight: 0.2)
    case 8: return Self.polygon(x, y, Self.star)
    default:
      return min(
        Self.box(x, y - 0.4, halfWidth: 0.9, halfHeight: 0.18), Self.box(x, y + 0.4, halfWidth: 0.9, halfHeight: 0.18))
    }
  }

  static let triangle: [(Double, Double)] = (0..<3).map { k in
    let a = Double.pi / 2 + 2 * Double.pi * Double(k) / 3
    return (cos(a), sin(a))
  }

  static let star: [(Double, Double)] = (0..<10).map { k in
    let a = Double.pi / 2 + Double.pi * Double(k) / 5
    let r = k % 2 == 0 ? 1.0 : 0.42
    return (r * cos(a), r * sin(a))
  }

  static func box(_ x: Double, _ y: Double, halfWidth: Double, halfHeight: Double) -> Double {
    let qx = abs(x) - halfWidth
    let qy = abs(y) - halfHeight
    let outside = (max(qx, 0) * max(qx, 0) + max(qy, 0) * max(qy, 0)).squareRoot()
    return outside + min(max(qx, qy), 0)
  }

  /// Distance to the polygon's boundary, negative inside (even–odd rule).
  static func polygon(_ x: Double, _ y: Double, _ vertices: [(Double, Double)]) -> Double {
    var best = Double.infinity
    var inside = false
    var j = vertices.count - 1
    for i in 0..<vertices.count {
      let (ax, ay) = vertices[j]
      let (bx, by) = vertices[i]
      let ex = bx - ax, ey = by - ay
      let t = max(0, min(1, ((x - ax) * ex + (y - ay) * ey) / (ex * ex + ey * ey)))
      let px = ax + t * ex - x, py = ay + t * ey - y
      best = min(best, px * px + py * py)
      if (ay > y) != (by > y), x < ax + (y - ay) * ex / ey { inside.toggle() }
      j = i
    }
    return (inside ? -1 : 1) * best.squareRoot()
  }
}
