import Foundation
import Testing

@testable import InformationPlane

/// The up-front memory estimate of an `ib` run: its parts in closed form, the refusal naming the option to change,
/// and the progress of long stages.
@Suite struct RunPlanTests {
  /// Each part by its formula: images (train + test) × size × 4; training min(batch, train) × Σ probes × 16;
  /// analysis eval × largest probe × 12; plus the fixed 0.1 GB.
  @Test func partsFollowTheirFormulas() {
    var c = ExperimentConfig()
    c.batchSize = 128
    c.evaluationSamples = 10_000
    let plan = RunPlan(
      config: c, trainImages: 50_000, testImages: 10_000, imageSize: 3072, probeSizes: [16_384, 8192, 10])
    #expect(plan.imageBytes == 60_000 * 3072 * 4)
    #expect(plan.trainingBytes == 128 * Double(16_384 + 8192 + 10) * 16)
    #expect(plan.analysisBytes == 10_000 * 16_384 * 12)
    #expect(plan.totalBytes == 1e8 + plan.imageBytes + plan.trainingBytes + plan.analysisBytes)
    #expect(plan.batchesPerEpoch == 391)
    // A batch larger than the training set is one batch of the whole set.
    c.batchSize = 1_000_000
    let whole = RunPlan(config: c, trainImages: 500, testImages: 10, imageSize: 784, probeSizes: [100])
    #expect(whole.trainingBytes == 500 * 100 * 16)
    #expect(whole.batchesPerEpoch == 1)
  }

  /// Over the machine's memory the run is refused, naming the option whose part is the largest, the estimate and
  /// the memory there is; within it nothing is thrown.
  @Test func tooLargeARunNamesTheOption() throws {
    var c = ExperimentConfig()
    c.evaluationSamples = 200_000
    let plan = RunPlan(config: c, trainImages: 1000, testImages: 200_000, imageSize: 784, probeSizes: [16_384, 10])
    #expect(throws: Never.self) { try plan.check(config: c, available: plan.totalBytes + 1) }
    do {
      try plan.check(config: c, available: 8e9)
      Issue.record("expected a refusal")
    } catch let error as InformationPlaneError {
      let text = error.description
      #expect(text.contains("--eval-samples") && text.contains("200000"), "\(text)")
      // 0.1 + 0.63 (images) + 0.26 (training) + 39.3 (analysis) GB.
      #expect(text.contains("about 40 GB") && text.contains("this machine has 8.00 GB"), "\(text)")
    }
    c.evaluationSamples = 100
    c.batchSize = 100_000
    let training = RunPlan(config: c, trainImages: 100_000, testImages: 100, imageSize: 784, probeSizes: [16_384])
    #expect(throws: InformationPlaneError.self) { try training.check(config: c, available: 8e9) }
    do { try training.check(config: c, available: 8e9) } catch { #expect("\(error)".contains("--batch-size")) }
  }

  /// A run whose batch cannot fit stops before its directory is created.
  @Test func aRunThatCannotFitWritesNothing() throws {
    var c = ExperimentConfig()
    c.trainSamples = 300
    c.testSamples = 120
    c.evaluationSamples = 120
    c.dataset = .shapesColor
    c.model = .resnet20
    c.batchSize = 300
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runplan-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    // ResNet-20's probes hold about 1e5 values per image: 300 images need ≈ 0.5 GB for training.
    var experiment = InformationPlaneExperiment(config: c)
    experiment.availableMemory = 2e8
    do {
      _ = try experiment.run(in: dir, resume: false)
      Issue.record("expected a refusal")
    } catch {
      #expect("\(error)".contains("--batch-size is 300") && "\(error)".contains("0.20 GB"), "\(error)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.path))
  }

  /// With the interval at 0, the autoencoder reports every epoch but the last and training every batch; the plan
  /// is reported as a stage.
  @Test func longStagesReportProgress() throws {
    var c = ExperimentConfig()
    c.trainSamples = 400
    c.testSamples = 120
    c.evaluationSamples = 120
    c.autoencoderEpochs = 3
    c.batchSize = 100
    c.epochs = 1
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runplan-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    var experiment = InformationPlaneExperiment(config: c)
    experiment.progressInterval = 0
    var progress: [String] = []
    var stages: [String] = []
    _ = try experiment.run(in: dir, resume: false) { event in
      if case let .progress(text) = event { progress.append(text) }
      if case let .stage(text, _) = event { stages.append(text) }
    }
    #expect(progress.filter { $0.hasPrefix("autoencoder epoch") }.count == 2, "\(progress)")
    #expect(progress.filter { $0.hasPrefix("epoch 1/1: batch") }.count == 4, "\(progress)")
    #expect(stages.contains { $0.hasPrefix("plan: 1 epochs of 4 batches; memory ≈") }, "\(stages)")
  }
}
