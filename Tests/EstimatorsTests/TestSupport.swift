import Foundation
import Tensor

@testable import Estimators

/// The shared test vectors of docs/method.md §18 (`method-test-vectors.json`).
enum Vectors {
  static var root: [String: Any] {
    guard
      let url = Bundle.module.url(forResource: "method-test-vectors", withExtension: "json", subdirectory: "Resources"),
      let data = try? Data(contentsOf: url),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [:] }
    return object
  }

  /// The value at a path of dictionary keys.
  static func at(_ path: String...) -> Any? {
    var node: Any? = root
    for key in path { node = (node as? [String: Any])?[key] }
    return node
  }

  static func matrix(_ value: Any?) -> Matrix {
    let rows = (value as? [[Any]] ?? []).map { $0.map { ($0 as? NSNumber)?.doubleValue ?? .nan } }
    return Matrix(rows)
  }

  static func doubles(_ value: Any?) -> [Double] {
    (value as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
  }
  static func double(_ value: Any?) -> Double { (value as? NSNumber)?.doubleValue ?? .nan }
}

/// Test data with known information quantities.
enum Synthetic {
  /// n×d standard normals.
  static func gaussian(n: Int, d: Int, seed: UInt64, scale: Double = 1) -> Matrix {
    var rng = Xoshiro256(seed: seed)
    return Matrix(rows: n, columns: d, scalars: (0..<(n * d)).map { _ in scale * rng.nextGaussian() })
  }

  /// n×d uniforms on [0, side)^d.
  static func uniform(n: Int, d: Int, seed: UInt64, side: Double = 1) -> Matrix {
    var rng = Xoshiro256(seed: seed)
    return Matrix(rows: n, columns: d, scalars: (0..<(n * d)).map { _ in side * rng.nextUniform() })
  }

  /// d independent pairs (x_j, y_j) with correlation ρ each, so that I(X;Y) = −(d/2)·log(1 − ρ²) = `mi` nats.
  static func correlatedGaussians(n: Int, d: Int, mi: Double, seed: UInt64) -> (Matrix, Matrix) {
    let rho = (1 - exp(-2 * mi / Double(d))).squareRoot()
    var rng = Xoshiro256(seed: seed)
    var x = [Double](), y = [Double]()
    for _ in 0..<(n * d) {
      let a = rng.nextGaussian(), e = rng.nextGaussian()
      x.append(a)
      y.append(rho * a + (1 - rho * rho).squareRoot() * e)
    }
    return (Matrix(rows: n, columns: d, scalars: x), Matrix(rows: n, columns: d, scalars: y))
  }
}
