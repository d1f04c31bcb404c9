import Datasets
import Foundation
import Tensor
import Testing

@testable import InformationPlane

@Suite struct InformationPlaneExperimentTests {
  static func config(epochs: Int) -> ExperimentConfig {
    var c = ExperimentConfig()
    c.dataset = .shapes
    c.trainSamples = 600
    c.testSamples = 240
    c.evaluationSamples = 240
    c.epochs = epochs
    c.batchSize = 100
    c.inputCompressor = .pca
    c.seed = 7
    return c
  }

  static func directory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("infoplane-ib-" + UUID().uuidString)
  }

  /// Everything but the wall-clock column must agree exactly.
  static func expectSameNumbers(_ a: [EpochSummary], _ b: [EpochSummary]) {
    #expect(a.count == b.count)
    for (x, y) in zip(a, b) {
      var (x, y) = (x, y)
      x.seconds = 0
      y.seconds = 0
      #expect(x == y)
    }
  }

  @Test func writesTheRunDirectory() throws {
    let dir = Self.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (metrics, information) = try InformationPlaneExperiment(config: Self.config(epochs: 2)).run(
      in: dir, resume: false)
    #expect(metrics.map(\.epoch) == [1, 2])
    #expect(information.count == 2 * 6)
    for name in [
      "config.json", "metrics.csv", "mi.csv", "report.html", "x_codes.npy", "checkpoints/epoch-0002.safetensors",
    ] {
      #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name)")
    }
    #expect(information.allSatisfy { $0.ixl.isFinite && $0.ily.isFinite && $0.ixlSmoothed.isFinite })
    #expect(metrics.allSatisfy { $0.testROCAUC > 0.5 && $0.testLoss.isFinite })
    let config = try JSONDecoder().decode(
      ExperimentConfig.self, from: Data(contentsOf: dir.appendingPathComponent("config.json")))
    var expected = Self.config(epochs: 2)
    expected.model = .mnistCNN  // the run records the model it chose for 28×28 images
    #expect(config == expected)
    // A new run refuses to overwrite it.
    #expect(throws: InformationPlaneError.self) {
      try InformationPlaneExperiment(config: Self.config(epochs: 2)).run(in: dir, resume: false)
    }
  }

  /// Interrupted after epoch 2 — with a half-written checkpoint of epoch 3 left behind — and resumed: the numbers
  /// equal those of an uninterrupted run with the same seed.
  @Test func resumedRunEqualsUninterruptedRun() throws {
    let whole = Self.directory(), resumed = Self.directory()
    defer {
      try? FileManager.default.removeItem(at: whole)
      try? FileManager.default.removeItem(at: resumed)
    }
    let reference = try InformationPlaneExperiment(config: Self.config(epochs: 3)).run(in: whole, resume: false)
    _ = try InformationPlaneExperiment(config: Self.config(epochs: 2)).run(in: resumed, resume: false)
    let store = RunStore(directory: resumed)
    try Data("partial".utf8).write(to: store.checkpointURL(epoch: 3))
    let continued = try InformationPlaneExperiment(config: Self.config(epochs: 3)).run(in: resumed, resume: true)
    Self.expectSameNumbers(reference.metrics, continued.metrics)
    #expect(reference.information == continued.information)
    let onDisk = try store.load()
    #expect(onDisk.information == reference.information)
  }

  @Test func resumingWithOtherSettingsIsRefused() throws {
    let dir = Self.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try InformationPlaneExperiment(config: Self.config(epochs: 1)).run(in: dir, resume: false)
    var other = Self.config(epochs: 2)
    other.learningRate = 0.01
    #expect(throws: InformationPlaneError.self) {
      try InformationPlaneExperiment(config: other).run(in: dir, resume: true)
    }
  }

  /// A run shared without its checkpoints (as the examples under docs/) still reports every epoch of its tables;
  /// only resuming needs a checkpoint.
  @Test func reportOfARunWithoutCheckpointsShowsEveryEpoch() throws {
    let dir = Self.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try InformationPlaneExperiment(config: Self.config(epochs: 2)).run(in: dir, resume: false)
    try FileManager.default.removeItem(at: dir.appendingPathComponent("checkpoints"))
    let url = try InformationPlaneExperiment.rebuildReport(run: dir)
    let html = try String(contentsOf: url, encoding: .utf8)
    #expect(html.contains("shapes, 2 epochs"))
    #expect(try RunStore.open(dir).load().metrics.isEmpty, "resuming still needs a checkpoint")
  }

  @Test func badSettingsFailBeforeWork() {
    var c = Self.config(epochs: 1)
    c.evaluationSamples = 20
    #expect(throws: InformationPlaneError.self) { try c.validate() }
    c = Self.config(epochs: 1)
    c.evaluationSamples = 1000  // more than the 240 test images
    let untouched = Self.directory()
    #expect(throws: InformationPlaneError.tooFewEvaluationSamples(requested: 1000, available: 240, split: "test")) {
      try InformationPlaneExperiment(config: c).run(in: untouched, resume: false)
    }
    #expect(!FileManager.default.fileExists(atPath: untouched.path), "a failed start must not leave a run directory")
    c = Self.config(epochs: 1)
    c.dataset = .mnist
    #expect(throws: InformationPlaneError.self) { try c.validate() }
  }

  /// `--dataset npy`: shapes images written as uint8 `[n, 28, 28]` NumPy files run through a whole epoch with
  /// finite estimates for all six layers; bad files are named in the error.
  @Test func numpyDatasetRunsAndBadFilesAreNamed() throws {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("infoplane-npyds-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: data) }
    func write(_ split: String, count: Int, seed: UInt64) throws {
      let shapes = try ShapesDataset.generate(count: count, seed: seed)
      let pixels = shapes.images.scalars.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }
      try NPY.write(
        NPYArray(shape: [count, 28, 28], storage: .uint8(pixels)),
        to: data.appendingPathComponent("\(split)_images.npy"))
      try NPY.write(NPYArray(labels: shapes.labels), to: data.appendingPathComponent("\(split)_labels.npy"))
    }
    try write("train", count: 600, seed: 1)
    try write("test", count: 240, seed: 2)
    var c = Self.config(epochs: 1)
    c.dataset = .npy
    c.dataDirectory = data.path
    c.trainSamples = nil
    c.testSamples = nil
    let run = Self.directory()
    defer { try? FileManager.default.removeItem(at: run) }
    let (metrics, information) = try InformationPlaneExperiment(config: c).run(in: run, resume: false)
    #expect(metrics.count == 1 && information.count == 6)
    #expect(information.allSatisfy { $0.ixl.isFinite && $0.ily.isFinite })
    // Labels outside 0…9, and a missing file.
    try NPY.write(
      NPYArray(labels: [Int32](repeating: 12, count: 240)), to: data.appendingPathComponent("test_labels.npy"))
    let error = try #require(throws: DatasetsError.self) {
      try InformationPlaneExperiment(config: c).run(in: Self.directory(), resume: false)
    }
    #expect(error.description.contains("test_labels.npy") && error.description.contains("0…9"))
    try FileManager.default.removeItem(at: data.appendingPathComponent("train_images.npy"))
    let missing = try #require(throws: DatasetsError.self) {
      try InformationPlaneExperiment(config: c).run(in: Self.directory(), resume: false)
    }
    #expect(missing == .missingDatasetFile(directory: data.path, file: "train_images.npy"))
    c.dataDirectory = nil
    #expect(throws: InformationPlaneError.self) { try c.validate() }
  }

  /// At the paper's autoencoder lr 1e-2, seed 1 of this small setting collapses a sigmoid code unit on its first
  /// training (found by a 12-seed sweep; docs/method.md §15.9); the run retrains from a new initialisation, says so,
  /// and goes on with codes that vary.
  @Test func aCollapsedAutoencoderIsTrainedAgain() throws {
    var c = ExperimentConfig()
    c.trainSamples = 1500
    c.testSamples = 300
    c.evaluationSamples = 300
    c.autoencoderEpochs = 2
    c.autoencoderLearningRate = 1e-2
    c.epochs = 1
    c.seed = 1
    let dir = Self.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var stages: [String] = []
    let (metrics, _) = try InformationPlaneExperiment(config: c).run(in: dir, resume: false) { event in
      if case let .stage(text, _) = event { stages.append(text) }
    }
    #expect(metrics.count == 1)
    #expect(stages.contains { $0.contains("collapsed in attempt 1") && $0.contains("trained again") }, "\(stages)")
    let codes = try NPY.read(contentsOf: dir.appendingPathComponent("x_codes.npy")).matrix()
    #expect(InformationPlaneExperiment.collapsedColumn(codes) == nil)
    // autoencoder.csv holds both trainings, epoch by epoch; the kept one's last held-out error is the one reported.
    let curve = try String(contentsOf: dir.appendingPathComponent("autoencoder.csv"), encoding: .utf8)
      .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    #expect(curve.first == RunStore.autoencoderColumns)
    #expect(curve.dropFirst().map { "\($0[0]).\($0[1])" } == ["1.1", "1.2", "2.1", "2.2"])
    #expect(curve.dropFirst().allSatisfy { Float($0[2]) == 1e-2 }, "a constant rate without --ae-final-lr")
    let heldOut = try #require(curve.last.flatMap { Double($0[4]) })
    #expect(heldOut > 0 && heldOut < 2)
    #expect(
      stages.contains { $0.contains(String(format: "reconstruction error %.4f", heldOut)) }, "\(stages)")
    // The check itself: a constant column is found, a varying one is not.
    let constant = Matrix(rows: 3, columns: 2, scalars: [0.1, 0.5, 0.2, 0.5, 0.3, 0.5])
    #expect(InformationPlaneExperiment.collapsedColumn(constant).map(\.0) == 1)
  }

  /// With `autoencoderFinalLearningRate` the rate falls along a cosine, epoch by epoch, from the first rate to the
  /// final one (written to autoencoder.csv as used); a final rate above the first is refused by name.
  @Test func theAutoencoderScheduleIsFollowed() throws {
    var c = ExperimentConfig()
    c.trainSamples = 600
    c.testSamples = 240
    c.evaluationSamples = 240
    c.autoencoderEpochs = 3
    c.autoencoderLearningRate = 4e-3
    c.autoencoderFinalLearningRate = 1e-4
    c.epochs = 1
    let dir = Self.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try InformationPlaneExperiment(config: c).run(in: dir, resume: false)
    let rows = try String(contentsOf: dir.appendingPathComponent("autoencoder.csv"), encoding: .utf8)
      .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    // Cosine over 3 epochs: the first rate, the midpoint (4e-3 + 1e-4) / 2, the final rate.
    let rates = rows.map { Double($0[2]) ?? .nan }
    #expect(rates.count == 3)
    for (got, want) in zip(rates, [4e-3, 2.05e-3, 1e-4]) { #expect(abs(got - want) < 1e-9, "\(rates)") }
    c.autoencoderFinalLearningRate = 5e-3
    let error = try #require(throws: InformationPlaneError.self) { try c.validate() }
    #expect(error.description.contains("--ae-final-lr"), "\(error)")
    c.autoencoderFinalLearningRate = nil
    c.autoencoderBatchSize = 0
    let batch = try #require(throws: InformationPlaneError.self) { try c.validate() }
    #expect(batch.description.contains("--ae-batch-size"), "\(batch)")
  }

  /// A real interruption: the `infoplane` binary is killed with SIGKILL during epoch 2, then resumed.
  @Test(.enabled(if: InformationPlaneExperimentTests.binary != nil, "needs the built infoplane executable"))
  func killedProcessResumes() throws {
    let dir = Self.directory(), whole = Self.directory()
    defer {
      try? FileManager.default.removeItem(at: dir)
      try? FileManager.default.removeItem(at: whole)
    }
    let arguments = [
      "ib", "--train-samples", "600", "--test-samples", "240", "--eval-samples", "240", "--epochs", "3",
      "--batch-size", "100", "--x-compressor", "pca", "--seed", "7", "--quiet",
    ]
    // Start, wait for epoch 1 to be complete on disk, kill at once.
    let process = Process()
    process.executableURL = Self.binary
    process.arguments = arguments + ["--out", dir.path]
    try process.run()
    let metricsURL = dir.appendingPathComponent("metrics.csv")
    let deadline = Date().addingTimeInterval(300)
    while Date() < deadline {
      if let text = try? String(contentsOf: metricsURL, encoding: .utf8), text.split(separator: "\n").count >= 2 {
        break
      }
      usleep(2_000)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let resumedProcess = Process()
    resumedProcess.executableURL = Self.binary
    resumedProcess.arguments = arguments + ["--out", dir.path, "--resume"]
    try resumedProcess.run()
    resumedProcess.waitUntilExit()
    #expect(resumedProcess.terminationStatus == 0)
    let reference = try InformationPlaneExperiment(config: Self.config(epochs: 3)).run(in: whole, resume: false)
    let got = try RunStore(directory: dir).load()
    Self.expectSameNumbers(reference.metrics, got.metrics)
    #expect(reference.information == got.information)
  }

  /// The `infoplane` executable next to the test bundle, if it was built.
  static let binary: URL? = {
    let candidates = [
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("infoplane"),
      Bundle.main.bundleURL.appendingPathComponent("infoplane"),
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("infoplane"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }()
}
