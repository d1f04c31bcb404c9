import Foundation
import Tensor
import Testing

@testable import Estimators

@Suite struct HygieneTests {
  @Test func rejectsNonFiniteNamingRowAndColumn() throws {
    let x = Synthetic.gaussian(n: 50, d: 2, seed: 1)
    var y = Synthetic.gaussian(n: 50, d: 3, seed: 2)
    y[17, 2] = .nan
    #expect(throws: EstimatorError.nonFinite(variable: "Y", row: 17, column: 2)) { try KSG().estimate(x, y) }
    y[17, 2] = 0
    y[4, 1] = -.infinity
    let error = try #require(throws: EstimatorError.self) { try EntropySumMI.paper.estimate(x, y) }
    #expect(error == .nonFinite(variable: "Y", row: 4, column: 1))
    #expect(error.description.contains("row 4, column 1"))
  }

  @Test func rejectsTooFewSamples() throws {
    #expect(throws: EstimatorError.tooFewSamples(variable: "X and Y", n: 5, k: 5)) {
      try KSG(k: 5).estimate(Synthetic.gaussian(n: 5, d: 1, seed: 1), Synthetic.gaussian(n: 5, d: 1, seed: 2))
    }
    #expect(throws: EstimatorError.tooFewSamples(variable: "X", n: 3, k: 3)) {
      try KLEntropy(k: 3, whiten: false).estimate(Synthetic.gaussian(n: 3, d: 1, seed: 1))
    }
    #expect(throws: EstimatorError.invalidNeighbourCount(0)) {
      try KSG(k: 0).estimate(Synthetic.gaussian(n: 9, d: 1, seed: 1), Synthetic.gaussian(n: 9, d: 1, seed: 2))
    }
    let error = try #require(throws: EstimatorError.self) {
      try KSG(k: 5).estimate(Synthetic.gaussian(n: 3, d: 1, seed: 1), Synthetic.gaussian(n: 3, d: 1, seed: 2))
    }
    #expect(error.description.contains("lower k"))
  }

  @Test func rejectsMismatchedSampleCounts() {
    #expect(throws: EstimatorError.sampleCountMismatch(x: 20, y: 19)) {
      try KSG().estimate(Synthetic.gaussian(n: 20, d: 1, seed: 1), Synthetic.gaussian(n: 19, d: 1, seed: 2))
    }
  }

  @Test func duplicatedRowsDoNotProduceInfinities() throws {
    let base = Synthetic.gaussian(n: 500, d: 3, seed: 4)
    let x = base.selectingRows(Array(0..<500) + Array(0..<500))
    for h in [try WKLEntropy().estimate(x), try KLEntropy().estimate(x)] {
      #expect(h.value.isFinite && h.standardError.isFinite)
      #expect(h.notes.contains(.tiesBroken(variable: "X", columns: [0, 1, 2])))
    }
    let y = Synthetic.gaussian(n: 500, d: 1, seed: 5).selectingRows(Array(0..<500) + Array(0..<500))
    let e = try EntropySumMI.paper.estimate(x, y)
    #expect(e.value.isFinite && e.standardError.isFinite)
    // With tie-breaking off the duplicate is named instead of returning −∞.
    #expect(throws: EstimatorError.duplicateSamples(variable: "X", row: 0, duplicateOf: 500)) {
      try KLEntropy(k: 1, preprocessing: Preprocessing(breakTies: false)).estimate(x)
    }
  }

  @Test func tieBreakingIsSeededAndLeavesContinuousDataAlone() throws {
    let (x, y) = Synthetic.correlatedGaussians(n: 2_000, d: 1, mi: 0.5, seed: 3)
    let rounded = Matrix(rows: x.rows, columns: 1, scalars: x.scalars.map { ($0 * 10).rounded() / 10 })
    let a = try KSG(preprocessing: Preprocessing(seed: 1)).estimate(rounded, y)
    let b = try KSG(preprocessing: Preprocessing(seed: 1)).estimate(rounded, y)
    let c = try KSG(preprocessing: Preprocessing(seed: 2)).estimate(rounded, y)
    #expect(a == b)
    #expect(a.value != c.value)
    #expect(a.notes == [.tiesBroken(variable: "X", columns: [0])])
    let on = try KSG(preprocessing: Preprocessing()).estimate(x, y)
    let off = try KSG(preprocessing: Preprocessing(breakTies: false)).estimate(x, y)
    #expect(on == off)
  }

  @Test func standardisationMakesKSGScaleInvariant() throws {
    let (x, y) = Synthetic.correlatedGaussians(n: 2_000, d: 2, mi: 0.5, seed: 5)
    var scaled = x
    for r in 0..<x.rows { scaled[r, 1] = 1000 * x[r, 1] + 7 }
    let options = Preprocessing(standardize: true)
    let a = try KSG(preprocessing: options).estimate(x, y), b = try KSG(preprocessing: options).estimate(scaled, y)
    #expect(abs(a.value - b.value) < 1e-9)
  }

  /// A negative MI estimate is returned as it is and flagged, never clipped to zero.
  @Test func negativeEstimatesAreFlaggedNotClipped() throws {
    var found = false
    for seed in UInt64(0)..<20 {
      let x = Synthetic.gaussian(n: 300, d: 1, seed: seed), y = Synthetic.gaussian(n: 300, d: 1, seed: seed + 100)
      let e = try KSG().estimate(x, y)
      #expect(e.isNegative == e.notes.contains(.negative))
      if e.value < 0 { found = true }
    }
    #expect(found)
  }
}
