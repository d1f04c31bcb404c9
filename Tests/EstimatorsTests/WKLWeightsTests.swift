import Foundation
import Testing

@testable import Estimators

@Suite struct WKLWeightsTests {
  /// docs/method.md §3's table (d = 5, 6, 8, 10), to its printed precision.
  @Test(arguments: [
    (5, [1.5406, 0.6696, 0.0599, -0.4278, -0.8424]), (6, [1.7812, 0.7227, 0.0170, -0.5318, -0.9892]),
    (8, [9.8541, -7.6691, -7.2300, -1.2050, 7.2500]), (10, [13.875, -12.227, -10.543, -1.213, 11.108]),
  ])
  func reproducesMethodTable(d: Int, table: [Double]) {
    let w = WKLWeights.weights(dimension: d, k: 5)
    for (a, b) in zip(w, table) { #expect(abs(a - b) <= 6e-4 * max(1, abs(b)), "d = \(d): \(w)") }
  }

  /// Full-precision vectors for k = 5 and d = 1…20; relative 1e-9 to d = 14, 1e-5 beyond (docs/method.md §18.1).
  @Test func matchesFullPrecisionVectors() throws {
    let table = try #require(Vectors.at("wkl_weights", "k5") as? [String: Any])
    #expect(table.count == 14)
    for (key, entry) in table {
      let d = try #require(Int(key))
      let expected = Vectors.doubles((entry as? [String: Any])?["w"])
      let w = WKLWeights.weights(dimension: d, k: 5)
      let scale = expected.map(abs).max()!
      let tolerance = d <= 14 ? 1e-9 : 1e-5
      for (a, b) in zip(w, expected) { #expect(abs(a - b) <= tolerance * scale, "d = \(d): \(w) vs \(expected)") }
    }
  }

  @Test(arguments: ["k1_d5", "k1_d8", "k3_d5", "k3_d6", "k3_d8", "k9_d5", "k9_d6"])
  func matchesOtherK(name: String) throws {
    let parts = name.dropFirst().split(separator: "_d")
    let k = try #require(Int(parts[0])), d = try #require(Int(parts[1]))
    let expected = Vectors.doubles((Vectors.at("wkl_weights", "other_k", name) as? [String: Any])?["w"])
    let w = WKLWeights.weights(dimension: d, k: k)
    #expect(w.count == expected.count)
    let scale = expected.map(abs).max()!
    for (a, b) in zip(w, expected) { #expect(abs(a - b) <= 1e-9 * scale, "\(name): \(w)") }
  }

  /// k = 1 in d = 5 is over-determined (weights 1/(1 + ⌊d/4⌋)): the entropy raises k to the smallest valid value,
  /// 2, reports it, and equals the k = 2 estimate.
  @Test func overDeterminedSystemRaisesK() throws {
    let x = Synthetic.gaussian(n: 200, d: 5, seed: 3)
    #expect(WKLEntropy(k: 1).validNeighbourCount(dimension: 5, limit: 20) == 2)
    let h = try WKLEntropy(k: 1).estimate(x)
    #expect(h.notes.contains(.neighboursRaised(variable: "X", dimension: 5, requested: 1, used: 2)))
    #expect(h.value == (try WKLEntropy(k: 2).estimate(x)).value)
    // d = 16 needs k ≥ 5, more than 4 samples allow; from d = 20 on no k is valid (the SVD cut-off of the authors'
    // rule leaves Σw < 1 for every k), so the entropy stops with an error instead of returning a scaled value.
    #expect(WKLEntropy(k: 1).validNeighbourCount(dimension: 16, limit: 40) == 5)
    #expect(throws: EstimatorError.overdeterminedWeights(variable: "X", dimension: 16, k: 1, needed: 5, n: 5)) {
      try WKLEntropy(k: 1, whiten: false).estimate(Synthetic.gaussian(n: 5, d: 16, seed: 1))
    }
    #expect(WKLEntropy(k: 5).validNeighbourCount(dimension: 20, limit: 12) == nil)
    #expect(throws: EstimatorError.overdeterminedWeights(variable: "X", dimension: 50, k: 5, needed: nil, n: 500)) {
      try WKLEntropy(k: 5).estimate(Synthetic.gaussian(n: 500, d: 50, seed: 1))
    }
  }
}
