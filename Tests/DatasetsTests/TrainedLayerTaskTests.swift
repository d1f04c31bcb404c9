import Foundation
import Tensor
import Testing

@testable import Datasets

/// The known truths of the trained-layer tasks (docs/method.md §19.3) against independent closed forms and quadrature.
@Suite struct TrainedLayerTaskTests {
  /// ln K − H_b(p) − p·ln(K − 1): ln 10 at p = 0, 0 at independence, and the bisection inverts it.
  @Test func labelChannelTruth() throws {
    #expect(abs(LabelChannel(classes: 10, flipProbability: 0).mutualInformation - log(10.0)) < 1e-15)
    #expect(abs(LabelChannel(classes: 10, flipProbability: 0.9).mutualInformation) < 1e-12)
    // p = 0.3: independent value from the helper script bench/mixed_mi.py truth-label-channel.
    #expect(abs(LabelChannel(classes: 10, flipProbability: 0.3).mutualInformation - 1.0325534177382867) < 1e-12)
    for target in [0.0, 0.4, 1.7, log(10.0)] {
      let channel = try LabelChannel.with(classes: 10, mutualInformation: target)
      #expect(abs(channel.mutualInformation - target) < 1e-9)
    }
    #expect(throws: DatasetsError.self) { try LabelChannel.with(classes: 10, mutualInformation: 2.4) }
  }

  /// The observed flip rate of the channel matches p within 4 binomial standard errors.
  @Test func labelChannelFlipsAtItsRate() {
    var rng = Xoshiro256(seed: 1)
    let channel = LabelChannel(classes: 10, flipProbability: 0.3)
    let n = 20_000
    let flips = (0..<n).reduce(0) { count, i in count + (channel.transmit(i % 10, using: &rng) != i % 10 ? 1 : 0) }
    #expect(abs(Double(flips) / Double(n) - 0.3) < 4 * (0.3 * 0.7 / Double(n)).squareRoot())
  }

  /// Per-unit I(X;L) by Simpson against scipy's adaptive quadrature (bench/mixed_mi.py truth-noisy-quantized, agreed
  /// with a second Simpson rule to 1e-15), the σ → 0 limit H(q) and σ → ∞ limit 0, and the σ bisection.
  @Test func noisyQuantizerTruth() throws {
    #expect(abs(NoisyQuantizer(noise: 0.05).mutualInformationPerUnit - 1.0397162554053594) < 1e-10)
    #expect(abs(NoisyQuantizer(noise: 0.5).mutualInformationPerUnit - 0.541799294057555) < 1e-10)
    let fourLevel = NoisyQuantizer(levels: [-2, 0, 1, 5], thresholds: [-1, 0, 0.5], noise: 1)
    #expect(abs(fourLevel.mutualInformationPerUnit - 0.8433882613953969) < 1e-10)
    #expect(abs(NoisyQuantizer(noise: 1e-3).mutualInformationPerUnit - NoisyQuantizer(noise: 1).levelEntropy) < 1e-9)
    #expect(NoisyQuantizer(noise: 100).mutualInformationPerUnit < 1e-4)
    let solved = try NoisyQuantizer(noise: 1).withNoise(forMutualInformationPerUnit: 0.7)
    #expect(abs(solved.mutualInformationPerUnit - 0.7) < 1e-9)
  }

  /// The linear network's closed form: with identity-like projections of full rank it equals the Gaussian channel
  /// formula ½·ln det(I + WΣWᵀ/σ²) computed independently here, and the population MI falls with σ.
  @Test func linearNetworkTruth() throws {
    let net = LinearNetwork(inputDimension: 6, width: 3, noise: 0.7)
    let a = (0..<36).map { $0 % 7 == 0 ? 1.0 : 0 }  // I₆
    let b = (0..<9).map { $0 % 4 == 0 ? 1.0 : 0 }  // I₃
    let mi = net.mutualInformation(projectingX: a, rows: 6, projectingL: b, rows: 3)
    // ½·ln det(Σ_L) − ½·ln det(σ²I): L = WX + σε has h(L) − h(L|X).
    let cov = net.layerCovariance
    let det3 =
      cov[0] * (cov[4] * cov[8] - cov[5] * cov[7]) - cov[1] * (cov[3] * cov[8] - cov[5] * cov[6])
      + cov[2] * (cov[3] * cov[7] - cov[4] * cov[6])
    #expect(abs(mi - 0.5 * (log(det3) - 3 * log(0.49))) < 1e-9)
    let solved = try LinearNetwork(noise: 1).withNoise(forMutualInformation: 1, components: 4)
    #expect(abs(solved.populationMutualInformation(components: 4) - 1) < 1e-9)
    var noisier = solved
    noisier.noise *= 2
    #expect(noisier.populationMutualInformation(components: 4) < 1)
  }

  /// The sampled tasks have the stated shapes and the clusters are separable (each point nearest its own centre).
  @Test func samplesHaveTheStatedShapes() throws {
    var rng = Xoshiro256(seed: 2)
    let mixing = try SyntheticTask(kind: .labelMixing, latentDimension: 2).sample(
      mutualInformation: 1, count: 500, using: &rng)
    #expect(mixing.x.shape == [500, 2] && mixing.y.shape == [500, 1])
    let simplex = try SyntheticTask(kind: .labelMixingSimplex).sample(mutualInformation: 0, count: 300, using: &rng)
    #expect(simplex.x.shape == [300, 10] && simplex.mutualInformation == 0)
    for i in 0..<300 {
      let row = simplex.x.scalars[(i * 10)..<(i * 10 + 10)]
      #expect(abs(row.reduce(0, +) - 1) < 1e-5)
    }
    let quantized = try SyntheticTask(kind: .noisyQuantized).sample(mutualInformation: 2, count: 200, using: &rng)
    #expect(quantized.x.shape == [200, 4] && abs(quantized.mutualInformation - 2) < 1e-8)
    let codes = try SyntheticTask(kind: .clusterCodes).sample(mutualInformation: 1.5, count: 400, using: &rng)
    #expect(codes.x.shape == [400, 4] && codes.y.shape == [400, 4] && abs(codes.mutualInformation - 1.5) < 1e-9)
    // Every code is within 6 of its lattice centre (25 apart), so the class is a function of L: separable.
    for i in 0..<400 {
      for j in 0..<4 {
        let v = Double(codes.y.scalars[i * 4 + j])
        #expect(abs(v - 25 * (v / 25).rounded()) < 6)
      }
    }
    let linear = try SyntheticTask(kind: .linearNetwork).sample(mutualInformation: 1, count: 100, using: &rng)
    #expect(linear.x.shape == [100, 64] && linear.y.shape == [100, 16] && linear.linearNetwork != nil)
  }
}
