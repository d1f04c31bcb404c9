import Foundation
import Testing

@testable import NeuralEstimators

/// The bounds and their gradients against closed forms and finite differences.
@Suite struct VariationalBoundTests {
  /// With the optimal critic T = log p(x,y)/(p(x)p(y)) + c, DV gives the MI for any c and NWJ for c = 1; with a
  /// constant critic both give 0 (DV) and c − e^{c−1} (NWJ, ≤ 0, 0 at c = 1).
  @Test func valuesFollowTheirDefinitions() {
    let joint = [1.0, 2.0, 3.0]
    let marginal = [0.0, log(2.0), log(3.0)]
    // DV: mean(joint) − log mean(e^marginal) = 2 − log 2.
    #expect(abs(VariationalBound.value(.mine, joint: joint, marginal: marginal) - (2 - log(2.0))) < 1e-12)
    // NWJ: 2 − e^{−1}·2.
    #expect(abs(VariationalBound.value(.nwj, joint: joint, marginal: marginal) - (2 - 2 / M_E)) < 1e-12)
    #expect(abs(VariationalBound.value(.mine, joint: [5, 5], marginal: [5, 5])) < 1e-12)
    #expect(abs(VariationalBound.value(.nwj, joint: [1, 1], marginal: [1, 1])) < 1e-12)
    // Huge scores do not overflow.
    #expect(VariationalBound.value(.mine, joint: [1000], marginal: [1000, 1000]).isFinite)
  }

  /// InfoNCE: a diagonal that dominates gives log B; equal scores give 0.
  @Test func infoNCEIsBetweenZeroAndLogBatch() {
    let b = 4
    let equal = [Double](repeating: 0.3, count: b * b)
    #expect(abs(VariationalBound.infoNCE(scores: equal, batch: b)) < 1e-12)
    let diagonal = (0..<(b * b)).map { $0 / b == $0 % b ? 100.0 : 0.0 }
    #expect(abs(VariationalBound.infoNCE(scores: diagonal, batch: b) - log(4.0)) < 1e-9)
  }

  /// Each gradient matches central finite differences of minus the bound (MINE with the batch mean as the moving
  /// average, where the bias-corrected gradient is the plain one).
  @Test(arguments: VariationalBound.allCases) func gradientsMatchFiniteDifferences(_ bound: VariationalBound) {
    let b = 3
    let count = bound == .infonce ? b * b : 2 * b
    let scores = (0..<count).map { sin(Double($0) * 1.7) }
    func loss(_ s: [Double]) -> Double {
      bound == .infonce
        ? -VariationalBound.infoNCE(scores: s, batch: b)
        : -VariationalBound.value(bound, joint: Array(s[..<b]), marginal: Array(s[b...]))
    }
    let average = scores[b...].reduce(0) { $0 + exp($1) } / Double(b)
    let gradient = VariationalBound.lossGradient(bound, scores: scores, batch: b, movingAverage: average)
    for i in 0..<count {
      var up = scores, down = scores
      up[i] += 1e-6
      down[i] -= 1e-6
      let numeric = (loss(up) - loss(down)) / 2e-6
      #expect(abs(gradient[i] - numeric) < 1e-7, "\(bound) score \(i): \(gradient[i]) vs \(numeric)")
    }
  }
}
