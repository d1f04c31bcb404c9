@_spi(Benchmarks) import Datasets
import Foundation
@_spi(Benchmarks) import Tensor
import Testing

@_spi(Benchmarks) @testable import NeuralNetwork

/// Checkpoints restore training exactly and reject bad files without touching the trainer.
@Suite struct CheckpointTests {
  func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nn-checkpoint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  func makeTrainer(initSeed: UInt64) -> Trainer {
    let model = try! NoisyClassifier(seed: initSeed).network  // the default shape always fits
    return Trainer(
      model: model, optimizer: Adam(parameters: model.namedParameters, learningRate: 1e-3),
      lossFunction: .nll, seed: 11)
  }

  func loader() throws -> DataLoader {
    let images = random([40, 1, 28, 28], seed: 1)
    return try DataLoader(
      images: images, labels: (0..<40).map { Int32($0 % 10) }, classes: 10, batchSize: 8,
      shuffle: true, seed: 2)
  }

  @Test func restoredTrainerTakesTheIdenticalNextStep() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = try loader()
    var original = makeTrainer(initSeed: 3)
    for _ in 0..<7 { _ = try original.trainStep(data) }  // one epoch of 5 steps, then 2 into the next
    let url = directory.appendingPathComponent("checkpoint.safetensors")
    try Checkpoint.save(original, to: url, metadata: ["note": "test"])
    let expected = try original.trainStep(data).loss

    var restored = makeTrainer(initSeed: 99)  // different initial weights, overwritten by the checkpoint
    try Checkpoint.restore(&restored, from: url, batchesPerEpoch: data.batchCount)
    #expect(restored.epoch == 1 && restored.stepInEpoch == 2 && restored.globalStep == 7)
    #expect(try Checkpoint.metadata(at: url)["note"] == "test")
    let loss = try restored.trainStep(data).loss
    #expect(loss == expected)
    for ((_, a), (_, b)) in zip(original.model.namedParameters, restored.model.namedParameters) {
      #expect(a.value == b.value)
    }
    // Only the checkpoint is in the directory: the temporary file was renamed over it.
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["checkpoint.safetensors"])
  }

  @Test func badFilesAreClearErrorsAndLeaveTheTrainerUntouched() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var trainer = makeTrainer(initSeed: 4)
    let before = trainer.model.namedParameters.map { $0.parameter.value }

    let missing = directory.appendingPathComponent("missing.safetensors")
    #expect(throws: NeuralNetworkError.self) { try Checkpoint.restore(&trainer, from: missing, batchesPerEpoch: 5) }

    let garbage = directory.appendingPathComponent("garbage.safetensors")
    try Data([1, 2, 3, 250, 9, 9, 9, 9, 9, 9, 9]).write(to: garbage)
    let error = try #require(throws: NeuralNetworkError.self) {
      try Checkpoint.restore(&trainer, from: garbage, batchesPerEpoch: 5)
    }
    #expect(error.description.contains(garbage.path))

    let foreign = directory.appendingPathComponent("foreign.safetensors")
    try SafeTensors.write(["x": NPYArray(Tensor.zeros([2]))], to: foreign)
    #expect(throws: NeuralNetworkError.self) { try Checkpoint.restore(&trainer, from: foreign, batchesPerEpoch: 5) }

    // A checkpoint of another model: shapes do not match.
    var rng = Xoshiro256(seed: 5)
    let otherModel = Sequential([Linear(4, 2, using: &rng)])
    let other = Trainer(
      model: otherModel, optimizer: Adam(parameters: otherModel.namedParameters), lossFunction: .nll,
      seed: 0)
    let otherURL = directory.appendingPathComponent("other.safetensors")
    try Checkpoint.save(other, to: otherURL)
    let mismatch = try #require(throws: NeuralNetworkError.self) {
      try Checkpoint.restore(&trainer, from: otherURL, batchesPerEpoch: 5)
    }
    #expect(mismatch.description.contains("missing") || mismatch.description.contains("expected"))

    // Truncated copy of a real checkpoint.
    let good = directory.appendingPathComponent("good.safetensors")
    try Checkpoint.save(trainer, to: good)
    let bytes = try Data(contentsOf: good)
    let truncated = directory.appendingPathComponent("truncated.safetensors")
    try bytes.prefix(bytes.count / 2).write(to: truncated)
    #expect(throws: NeuralNetworkError.self) { try Checkpoint.restore(&trainer, from: truncated, batchesPerEpoch: 5) }

    #expect(trainer.model.namedParameters.map { $0.parameter.value } == before)
    #expect(trainer.globalStep == 0)
  }

  /// Positions edited in the metadata (or from another batch size) are refused, naming the field, instead of
  /// overflowing a counter or indexing past the data (both trapped before).
  @Test(arguments: [
    (["adam.steps": "9223372036854775807"], "adam.steps"),
    (["step_in_epoch": "1000000"], "step_in_epoch is 1000000 but an epoch has 5 batches"),
    (["global_step": "8"], "global_step is 8"),
    (["epoch": "9223372036854775807"], "too large"),
    (["epoch": "-1"], "epoch is missing or not a count"),
  ])
  func editedPositionsAreNamed(edit: [String: String], message: String) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = try loader()
    var original = makeTrainer(initSeed: 3)
    for _ in 0..<7 { _ = try original.trainStep(data) }
    let url = directory.appendingPathComponent("checkpoint.safetensors")
    try Checkpoint.save(original, to: url)
    let file = try SafeTensors.read(contentsOf: url)
    try SafeTensors.write(file.tensors, metadata: file.metadata.merging(edit) { $1 }, to: url)
    var trainer = makeTrainer(initSeed: 4)
    let error = try #require(throws: NeuralNetworkError.self) {
      try Checkpoint.restore(&trainer, from: url, batchesPerEpoch: data.batchCount)
    }
    #expect(error.description.contains(message) && error.description.contains(url.path), "\(error)")
    #expect(trainer.globalStep == 0)
    // The unedited file restores with the loader it was made with, not with another batch count.
    try Checkpoint.save(original, to: url)
    #expect(throws: NeuralNetworkError.self) { try Checkpoint.restore(&trainer, from: url, batchesPerEpoch: 4) }
    try Checkpoint.restore(&trainer, from: url, batchesPerEpoch: 5)
    #expect(trainer.globalStep == 7)
  }
}
