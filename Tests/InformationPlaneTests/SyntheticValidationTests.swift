import Datasets
import Foundation
import Testing

@testable import InformationPlane

@Suite struct SyntheticValidationTests {
  @Test func gridParsing() throws {
    #expect(try SyntheticValidation.parseGrid("0,1,2.5") == [0, 1, 2.5])
    #expect(try SyntheticValidation.parseGrid("0:10:41").count == 41)
    #expect(try SyntheticValidation.parseGrid("0:10:41")[4] == 1)
    #expect(try SyntheticValidation.parseGrid("3:3:1") == [3])
    #expect(throws: SyntheticDataError.self) { try SyntheticValidation.parseGrid("a,b") }
    #expect(throws: SyntheticDataError.self) { try SyntheticValidation.parseGrid("0:1:x") }
  }

  @Test func badSettingsFailBeforeAnyWork() {
    let blobs = SyntheticTask(kind: .blobs, imageSize: 16)
    #expect(throws: SyntheticDataError.self) { try SyntheticValidation(task: blobs).validate(mutualInformation: [1, -0.5]) }
    #expect(throws: SyntheticDataError.self) {
      try SyntheticValidation(task: blobs, latentDimension: 300).validate(mutualInformation: [1])
    }
    #expect(throws: SyntheticDataError.self) { try SyntheticValidation(task: blobs, samples: 5).validate(mutualInformation: [1]) }
    let labels = SyntheticTask(kind: .labels)
    #expect(throws: SyntheticDataError.self) {
      try SyntheticValidation(task: labels, compressor: .none, samples: 1000).validate(mutualInformation: [6])  // 403 classes
    }
  }

  /// End to end on the Gaussian task: PCA to the full latent dimension is a rotation, which keeps the MI, so
  /// the compressed estimate must match the truth within max(0.15, 4 SE) (WKL with whitening is near-unbiased
  /// for Gaussians at these MI values and n = 3000).
  @Test func gaussianPipelineMatchesTruth() throws {
    let run = SyntheticValidation(task: SyntheticTask(kind: .gaussian, latentDimension: 2), compressor: .pca,
                                  latentDimension: 2, samples: 3000, trainingSamples: 2000, seed: 4)
    let result = try run.run(mutualInformation: [0, 1, 2])
    #expect(result.points.count == 3)
    for p in result.points {
      #expect(abs(p.estimate - p.trueMI) <= max(0.15, 4 * p.standardError), "\(p)")
      #expect(abs(p.latentEstimate - p.trueMI) <= max(0.15, 4 * p.latentStandardError), "\(p)")
    }
  }

  /// The label task: X uniform in [0,1]^3 with Y = ⌊X₀·N⌋; I = ln N. Uncompressed KL entropies.
  @Test func labelPipelineMatchesTruth() throws {
    let run = SyntheticValidation(task: SyntheticTask(kind: .labels, latentDimension: 3), compressor: .none,
                                  estimator: .kl, samples: 4000, seed: 5)
    let result = try run.run(mutualInformation: [log(2), log(8)])
    for p in result.points { #expect(abs(p.estimate - p.trueMI) <= max(0.15, 4 * p.standardError), "\(p)") }
  }
}
