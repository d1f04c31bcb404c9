import Compression
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
    #expect(
      throws: InformationPlaneError.invalidValidation("MI list 'a,b' must be numbers separated by commas, or a:b:count")
    ) {
      try SyntheticValidation.parseGrid("a,b")
    }
    #expect(throws: InformationPlaneError.invalidValidation("MI range '0:1:x' must be a:b:count, e.g. 0:10:41")) {
      try SyntheticValidation.parseGrid("0:1:x")
    }
  }

  @Test func badSettingsFailBeforeAnyWork() {
    /// The reason of the `InformationPlaneError.invalidValidation` that `body` throws, or nil.
    func reason(_ body: () throws -> Void) -> String? {
      do { try body() } catch let InformationPlaneError.invalidValidation(reason) { return reason } catch { return nil }
      return nil
    }
    let blobs = SyntheticTask(kind: .blobs, imageSize: 16)
    #expect(
      reason { try SyntheticValidation(task: blobs).validate(mutualInformation: [1, -0.5]) }
        == "MI values must be finite and ≥ 0 nats (got -0.5)")
    #expect(
      reason { try SyntheticValidation(task: blobs, latentDimension: 300).validate(mutualInformation: [1]) }?
        .contains("latent dimension 300 must be between 1 and the data dimension 256") == true)
    #expect(
      reason { try SyntheticValidation(task: blobs, samples: 5).validate(mutualInformation: [1]) }?
        .contains("5 samples are too few for k = 5") == true)
    #expect(
      reason {
        try SyntheticValidation(task: blobs, compressor: .ae, autoencoder: AutoencoderTraining(epochs: 0))
          .validate(mutualInformation: [1])
      }?.contains("autoencoder epochs 0 must be ≥ 1") == true)
    let labels = SyntheticTask(kind: .labels)
    // MI 6 nats needs 403 classes.
    #expect(
      reason {
        try SyntheticValidation(task: labels, compressor: .none, samples: 1000).validate(mutualInformation: [6])
      }?
      .contains("needs 403 classes") == true)
  }

  /// End to end on the Gaussian task: PCA to the full latent dimension is a rotation, which keeps the MI, so
  /// the compressed estimate must match the truth within max(0.15, 4 SE) (WKL with whitening is near-unbiased
  /// for Gaussians at these MI values and n = 3000).
  @Test func gaussianPipelineMatchesTruth() throws {
    let run = SyntheticValidation(
      task: SyntheticTask(kind: .gaussian, latentDimension: 2), compressor: .pca,
      latentDimension: 2, estimator: .wkl, samples: 3000, trainingSamples: 2000, seed: 4)
    let result = try run.run(mutualInformation: [0, 1, 2])
    #expect(result.points.count == 3)
    for p in result.points {
      #expect(abs(p.estimate - p.trueMI) <= max(0.15, 4 * p.standardError), "\(p)")
      #expect(abs(p.latentEstimate - p.trueMI) <= max(0.15, 4 * p.latentStandardError), "\(p)")
    }
  }

  /// The label task: X uniform in [0,1]^3 with Y = ⌊X₀·N⌋; I = ln N. Uncompressed KL entropies.
  @Test func labelPipelineMatchesTruth() throws {
    let run = SyntheticValidation(
      task: SyntheticTask(kind: .labels, latentDimension: 3), compressor: .none,
      estimator: .kl, samples: 4000, seed: 5)
    let result = try run.run(mutualInformation: [log(2), log(8)])
    for p in result.points { #expect(abs(p.estimate - p.trueMI) <= max(0.15, 4 * p.standardError), "\(p)") }
  }

  /// End to end with the convolutional autoencoder on 8×8 blobs (2 latents per side): a short training (1500
  /// images, 15 epochs) and n = 1500 per point. The compressed KSG estimate must be within 0.35 nats of the truth at
  /// every point of {0, 1, 2} (measured: 1.74 at MI 2). An under-trained code fails it (one epoch: 1.59 at MI 2), as
  /// do a collapsed code, a broken pairing of X and Y codes (≈ 0 everywhere) or a biased estimator at MI 0. The timings of every stage are recorded.
  @Test func autoencoderPipelineMatchesTruth() throws {
    let run = SyntheticValidation(
      task: SyntheticTask(kind: .blobs, imageSize: 8), compressor: .ae, latentDimension: 2, estimator: .ksg,
      samples: 1500, trainingSamples: 1500, seed: 3,
      autoencoder: AutoencoderTraining(epochs: 15, batchSize: 50, learningRate: 1e-2, finalLearningRate: 3e-4))
    var epochs = 0
    let result = try run.run(mutualInformation: [0, 1, 2], trainingProgress: { epoch, _ in epochs = epoch })
    #expect(epochs == 15)
    #expect(result.points.count == 3)
    for p in result.points {
      #expect(abs(p.estimate - p.trueMI) <= 0.35, "\(p)")
      #expect(abs(p.latentEstimate - p.trueMI) <= 0.2, "\(p)")
    }
    #expect(result.timings.compressorTraining > 0 && result.timings.compressorTrainingCPU > 0)
    #expect(result.notes.contains { $0.contains("held-out") })
  }
}
