import Foundation
import Testing

@testable import Estimators

@Suite struct DigammaTests {
  /// Reference values: ψ(1) = −γ, ψ(½) = −γ − 2 ln 2, ψ(n) = −γ + H_{n−1}, and tabulated values (DLMF 5.4, 5.15).
  @Test(arguments: [
    (1.0, -0.57721566490153286), (0.5, -1.9635100260214235), (2.5, 0.70315664064524319),
    (10.0, 2.2517525890667211), (100.0, 4.6001618527380874), (0.1, -10.423754940411076),
    (1e5, 11.512920464961896),
  ])
  func matchesKnownValues(x: Double, expected: Double) {
    #expect(abs(Digamma.value(x) - expected) <= 1e-14 * max(1, abs(expected)))
  }

  @Test func integerTableIsTheHarmonicRecurrence() {
    let table = Digamma.integerTable(upTo: 50)
    var h = -Digamma.eulerGamma
    for m in 1...50 {
      #expect(abs(table[m] - h) < 1e-13)
      h += 1 / Double(m)
    }
  }
}
