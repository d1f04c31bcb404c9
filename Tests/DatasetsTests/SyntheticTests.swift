import Foundation
import Tensor
import Testing

@testable import Datasets

/// Reference values from the method test vectors (Tests/EstimatorsTests/Resources/method-test-vectors.json) ("synthetic_maps", numpy, tolerance abs 1e-12).
@Suite struct SyntheticTests {
  @Test func segmentMapMatchesReference() {
    let xi: [(Double, Double)] = [(-1.2, 0.3), (0.0, 0.0), (2.1, -0.7)]
    let expectedU: [(Double, Double)] = [
      (0.11506967022170822, 0.6179114221889526), (0.5, 0.5), (0.9821355794371834, 0.24196365222307303),
    ]
    let expectedAB: [(Double, Double)] = [
      (0.05558685367735801, 0.6630310601687156), (0.27458739263761167, 0.6685436963188058),
      (0.8121957666904746, 0.9050148366210594),
    ]
    for i in 0..<3 {
      let u0 = LatentMaps.normalCDF(xi[i].0), u1 = LatentMaps.normalCDF(xi[i].1)
      #expect(abs(u0 - expectedU[i].0) < 1e-12 && abs(u1 - expectedU[i].1) < 1e-12)
      let (a, b) = LatentMaps.segment(u0, u1, minimumRatio: 2.0 / 32)
      #expect(abs(a - expectedAB[i].0) < 1e-12 && abs(b - expectedAB[i].1) < 1e-12)
    }
  }

  @Test func rectangleMatchesReference() {
    let image = ImageRasterizer.rectangle(x0: 1.3, x1: 4.6, y0: 2.0, y1: 2.75, width: 6, height: 6)
    var expected = [Float](repeating: 0, count: 36)
    expected[1 * 6 + 2] = 0.525
    expected[2 * 6 + 2] = 0.75
    expected[3 * 6 + 2] = 0.75
    expected[4 * 6 + 2] = 0.45
    for i in 0..<36 { #expect(abs(image[i] - expected[i]) < 1e-6, "pixel \(i)") }
  }

  @Test func rectangleClipsCoordinatesAtTheBorder() {
    let image = ImageRasterizer.rectangle(x0: 30, x1: 32, y0: 0, y1: 40, width: 32, height: 32)
    #expect(image.count == 1024)
    #expect(image.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(abs(image.reduce(0, +) - 64) < 1e-4)  // 2 columns × 32 rows fully covered
  }

  @Test func blobMatchesReference() {
    let expected: [Float] = [
      0.0030275547453758153, 0.007364301226900163, 0.0019412087276330188, 5.545159943217704e-05,
      0.10598640535695654, 0.2578040301986631, 0.06795640455506803, 0.0019412087276330188,
      0.4020772232755631, 0.9780228724846005, 0.2578040301986631, 0.007364301226900163,
      0.1652988882215865, 0.40207722327556294, 0.1059864053569565, 0.0030275547453758153,
    ]
    let image = ImageRasterizer.blob(0.3, 0.7, width: 4, height: 4)
    for i in 0..<16 { #expect(abs(image[i] - expected[i]) <= 1e-7 * max(1, expected[i]), "pixel \(i)") }
  }

  @Test func correlatedBlobMatchesReference() {
    let expected: [Float] = [
      2.1664624955242393e-07, 2.24324945662704e-05, 9.468073598065533e-05, 1.628933432845811e-05,
      0.002725781780734265, 0.056983131132034084, 0.048557821270010036, 0.0016866684956061333,
      0.23107799147733024, 0.9753099120283326, 0.16779706100018593, 0.0011767486793142386,
      0.13199384318783017, 0.11247773365428952, 0.003906943203999084, 5.531785053678863e-06,
    ]
    let image = ImageRasterizer.correlatedBlob((0.3, 0.7, 0.2, 0.5, 0.9), width: 4, height: 4)
    for i in 0..<16 { #expect(abs(image[i] - expected[i]) <= 1e-6 * max(1e-3, expected[i]), "pixel \(i)") }
  }

  @Test func correlationPerPairMatchesReference() {
    let g = CorrelatedGaussian(dx: 2, dy: 3, mutualInformation: 1.5)
    #expect(abs(g.correlationPerPair - 0.8814022009568447) < 1e-12)
  }

  /// The sample cross-covariance has singular values ρ (m of them) and zeros; marginals are N(0, I).
  /// With n = 20 000, entries of a sample covariance have SE ≈ √(2/n) ≈ 0.01; allow 0.05.
  @Test(arguments: [(1, 1, 0.5), (2, 3, 1.5), (4, 4, 2.0)])
  func correlatedGaussianHasTheStatedStructure(dx: Int, dy: Int, mi: Double) throws {
    var rng = Xoshiro256(seed: 11)
    let g = CorrelatedGaussian(dx: dx, dy: dy, mutualInformation: mi)
    let (x, y) = try g.sample(count: 20_000, using: &rng)
    let n = Double(x.rows)
    func cov(_ a: Matrix, _ i: Int, _ b: Matrix, _ j: Int) -> Double {
      (0..<a.rows).reduce(0) { $0 + a[$1, i] * b[$1, j] } / n
    }
    for i in 0..<dx { for j in 0..<dx { #expect(abs(cov(x, i, x, j) - (i == j ? 1 : 0)) < 0.05) } }
    for i in 0..<dy { for j in 0..<dy { #expect(abs(cov(y, i, y, j) - (i == j ? 1 : 0)) < 0.05) } }
    // Σ_ij C_ij² = Frobenius norm² of the cross-covariance = m·ρ² (rotation-invariant).
    var frob = 0.0
    for i in 0..<dx { for j in 0..<dy { frob += pow(cov(x, i, y, j), 2) } }
    let rho = g.correlationPerPair
    #expect(abs(frob - Double(min(dx, dy)) * rho * rho) < 0.05 * Double(dx * dy))
  }

  @Test func sameSeedGivesSameSample() throws {
    let g = CorrelatedGaussian(dx: 3, dy: 2, mutualInformation: 1)
    var a = Xoshiro256(seed: 5), b = Xoshiro256(seed: 5)
    #expect(try g.sample(count: 10, using: &a) == g.sample(count: 10, using: &b))
  }

  @Test func invalidSettingsThrow() {
    var rng = Xoshiro256(seed: 0)
    #expect(throws: DatasetsError.self) {
      try CorrelatedGaussian(dx: 2, dy: 2, mutualInformation: -1).sample(count: 5, using: &rng)
    }
    #expect(throws: DatasetsError.self) {
      try CorrelatedGaussian(dx: 0, dy: 2, mutualInformation: 1).sample(count: 5, using: &rng)
    }
  }
}

@Suite struct SyntheticTaskTests {
  /// The paper's tasks (the trained-layer tasks have their own shapes and truths: TrainedLayerTaskTests).
  @Test(
    arguments: SyntheticTask.Kind.allCases.filter {
      ![.labelMixing, .labelMixingSimplex, .noisyQuantized, .linearNetwork, .clusterCodes].contains($0)
    })
  func samplesHaveTheDeclaredShapes(kind: SyntheticTask.Kind) throws {
    var rng = Xoshiro256(seed: 3)
    let task = SyntheticTask(kind: kind, imageSize: 16)
    let s = try task.sample(mutualInformation: 1.0, count: 7, using: &rng)
    #expect(s.x.shape == [7] + task.sampleShape)
    #expect(s.xLatent.rows == 7)
    if kind == .labels {
      #expect(s.y.shape == [7, 1])
      #expect(abs(s.mutualInformation - log(3)) < 1e-12)  // round(e¹) = 3 classes
    } else {
      #expect(s.y.shape == s.x.shape)
      #expect(s.mutualInformation == 1.0)
    }
    let independent = try task.independentSample(count: 5, using: &rng)
    #expect(independent.shape == [5] + task.sampleShape)
  }

  @Test func imagesStayInUnitRange() throws {
    var rng = Xoshiro256(seed: 4)
    for kind in [SyntheticTask.Kind.blobs, .correlatedBlobs, .rectangles] {
      let s = try SyntheticTask(kind: kind, imageSize: 32).sample(mutualInformation: 3, count: 50, using: &rng)
      #expect(s.x.scalars.allSatisfy { $0 >= 0 && $0 <= 1.0000001 })
      #expect(s.x.scalars.contains { $0 > 0.5 })
    }
  }

  /// Labels: Y = ⌊X₀·N⌋ exactly, with every class present for n ≫ N.
  @Test func labelTaskFollowsTheRule() throws {
    var rng = Xoshiro256(seed: 5)
    let s = try SyntheticTask(kind: .labels).sample(mutualInformation: log(8), count: 2000, using: &rng)
    for i in 0..<2000 {
      #expect(Int(s.y.scalars[i]) == Int(s.x.scalars[i * 10] * 8))
    }
    #expect(Set(s.y.scalars).count == 8)
  }

  @Test func antiPCAEmbeddingIsInjective() {
    let e = AntiPCA.embed(0.25, -0.5)
    #expect(e.count == 32 && e[0] == 0.25 && e[1] == -0.5)
    #expect(abs(e[2] - max(0.25 - 1.0, 0.2 * (0.25 - 1.0))) < 1e-15)
  }

  @Test func negativeMIIsRejected() {
    var rng = Xoshiro256(seed: 0)
    #expect(throws: DatasetsError.self) {
      try SyntheticTask(kind: .blobs).sample(mutualInformation: -0.1, count: 3, using: &rng)
    }
  }
}
