import Foundation
import Tensor
import Testing

@testable import Estimators

@Suite struct KSGVectorTests {
  /// Algorithm 1 to 1e-12 (the strict counts must match exactly) and algorithm 2 against the JSON's reference, on
  /// the raw data as the reference computed them (no standardisation).
  @Test(arguments: ["1d1d_n12_k3", "1d1d_n12_k1", "2d1d_n16_k2"])
  func matchesVectors(name: String) throws {
    let c = try #require(Vectors.at("ksg1", "cases", name) as? [String: Any])
    let x = Vectors.matrix(c["x"]), y = Vectors.matrix(c["y"])
    let k = Int(Vectors.double(c["k"]))
    let one = try KSG(k: k, algorithm: .one, preprocessing: Preprocessing()).estimate(x, y)
    #expect(abs(one.value - Vectors.double(c["I_unclipped"])) <= 1e-12)
    #expect(abs(one.standardError - Vectors.double(c["stderr"])) <= 1e-12)
    let two = try KSG(k: k, algorithm: .two, preprocessing: Preprocessing()).estimate(x, y)
    #expect(abs(two.value - Vectors.double(c["I_ksg_algorithm2_(reference_only,_not_in_authors_code)"])) <= 1e-12)
  }
}

@Suite struct KSGStatisticalTests {
  /// Correlated Gaussians with d pairs of correlation ρ, I = −(d/2)·log(1 − ρ²); n = 10⁴, k = 5.
  /// Tolerance max(0.05, 4 SE) as the issue asks, for 1 and 2 dimensions per side, and for 4 without dependence.
  @Test(arguments: [(1, 0.0), (1, 0.5), (1, 1.0), (1, 2.0), (2, 0.0), (2, 0.5), (2, 1.0), (2, 2.0), (4, 0.0)])
  func gaussianMIWithinTolerance(d: Int, mi: Double) throws {
    let (x, y) = Synthetic.correlatedGaussians(n: 10_000, d: d, mi: mi, seed: UInt64(d * 10) + UInt64(mi * 4))
    for algorithm in KSG.Algorithm.allCases {
      let e = try KSG(k: 5, algorithm: algorithm).estimate(x, y)
      #expect(abs(e.value - mi) <= max(0.05, 4 * e.standardError), "d = \(d), MI = \(mi), \(algorithm): \(e)")
    }
  }

  /// 4 + 4 dimensions with MI = 0.5, 1 and 2 nats: KSG's known downward bias for dependence in higher dimension
  /// (Kraskov et al. 2004, §IV; Gao et al. 2015) reaches or exceeds max(0.05, 4 SE) at n = 10⁴. Measured with k = 5
  /// over three seeds (docs/estimators.md, "KSG's bias"): −0.04…−0.05, −0.10…−0.11 and −0.22…−0.24 nats, the same values scipy's
  /// cKDTree KSG gives on the same data (bench/knn_mi.py). This pins the bias: an underestimate, by at most 13 % of
  /// the truth plus 4 SE.
  @Test(arguments: [0.5, 1.0, 2.0])
  func gaussianMIFourDimensionsHasKnownDownwardBias(mi: Double) throws {
    let (x, y) = Synthetic.correlatedGaussians(n: 10_000, d: 4, mi: mi, seed: 40 + UInt64(mi * 4))
    for algorithm in KSG.Algorithm.allCases {
      let e = try KSG(k: 5, algorithm: algorithm).estimate(x, y)
      #expect(e.value < mi + 4 * e.standardError, "\(algorithm): \(e)")
      #expect(mi - e.value <= 0.13 * mi + 4 * e.standardError, "\(algorithm): \(e)")
    }
  }

  @Test func independentVariablesGiveZeroWithinFourSE() throws {
    let x = Synthetic.gaussian(n: 10_000, d: 2, seed: 5), y = Synthetic.uniform(n: 10_000, d: 3, seed: 6)
    let e = try KSG().estimate(x, y)
    #expect(abs(e.value) <= 4 * e.standardError, "\(e)")
    #expect(e.isNegative == e.notes.contains(.negative))
  }

  @Test func duplicatedRowsStayFinite() throws {
    var (x, y) = Synthetic.correlatedGaussians(n: 2_000, d: 2, mi: 1, seed: 9)
    let rows = Array(0..<1_000) + Array(0..<1_000)
    x = x.selectingRows(rows)
    y = y.selectingRows(rows)
    for algorithm in KSG.Algorithm.allCases {
      let e = try KSG(algorithm: algorithm, preprocessing: Preprocessing(breakTies: true, standardize: true))
        .estimate(x, y)
      #expect(e.value.isFinite && e.standardError.isFinite)
      #expect(e.notes.contains(.tiesBroken(variable: "X", columns: [0, 1])))
    }
    let off = try KSG().estimate(x, y)
    #expect(off.value.isFinite && off.notes.isEmpty)
  }

  /// The brute-force path gives the same value as the KD-tree, bit for bit.
  @Test func bruteForceAndTreeAgree() throws {
    let (x, y) = Synthetic.correlatedGaussians(n: 3_000, d: 3, mi: 1, seed: 13)
    let tree = try KSG(method: .kdTree).estimate(x, y), brute = try KSG(method: .bruteForce).estimate(x, y)
    #expect(tree == brute)
  }
}
