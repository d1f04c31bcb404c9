import Datasets
import Estimators
import Foundation
import Tensor
import Testing

@testable import Compression

@Suite struct LossyMutualInformationTests {
  /// Correlated Gaussians embedded linearly in 40 dimensions (plus a little isotropic noise): PCA to the latent
  /// dimension recovers the latent subspace, so the compressed estimate matches the true MI.
  /// Truth 1 nat; KSG at n = 4000 has SE ≈ 0.02 and the added noise (σ = 0.01 vs unit signal) removes < 0.01 nats;
  /// the tolerance is max(0.1, 4 SE).
  @Test func pcaCompressionPreservesMutualInformation() throws {
    var rng = Xoshiro256(seed: 21)
    let n = 4000, latent = 2, ambient = 40
    let (xi, eta) = try CorrelatedGaussian(dx: latent, dy: latent, mutualInformation: 1).sample(count: n, using: &rng)
    func embed(_ m: Matrix) -> Tensor {
      let mixing = (0..<(latent * ambient)).map { _ in rng.nextGaussian() }
      var out = [Float](repeating: 0, count: n * ambient)
      for i in 0..<n {
        for j in 0..<ambient {
          var v = 0.01 * rng.nextGaussian()
          for l in 0..<latent { v += m[i, l] * mixing[l * ambient + j] }
          out[i * ambient + j] = Float(v)
        }
      }
      return Tensor(shape: [n, ambient], scalars: out)
    }
    let x = embed(xi), y = embed(eta)
    let lossy = LossyMutualInformation(
      compressX: try PCA(components: latent).fit(x, seed: 1),
      compressY: try PCA(components: latent).fit(y, seed: 2))
    let estimate = try lossy.estimate(x, y, by: KSG(k: 5))
    #expect(abs(estimate.value - 1) <= max(0.1, 4 * estimate.standardError), "\(estimate)")
  }

  @Test func labelsThroughCompression() throws {
    var rng = Xoshiro256(seed: 3)
    let sample = try SyntheticTask(kind: .labels, latentDimension: 3).sample(
      mutualInformation: log(4), count: 4000, using: &rng)
    let labels = sample.y.scalars.map { Int32($0) }
    // No compressor: X used as is (3-D). Truth ln 4 ≈ 1.386.
    let e = try LossyMutualInformation(compressX: nil).estimate(sample.x, labels: labels, entropy: KLEntropy(k: 5))
    #expect(abs(e.value - log(4)) <= max(0.15, 4 * e.standardError), "\(e)")
  }
}
