import Datasets
import Foundation
import Tensor

/// Training checkpoints as safetensors files (readable from Python with `safetensors.numpy.load_file`).
///
/// Tensors: `model.<name>` for every parameter and buffer of the model (`model.2.weight`, …) and the optimizer's
/// state under its own names (`adam.m.2.weight`, …). Metadata: `format`, `epoch`, `step_in_epoch`, `global_step`,
/// `seed`, the optimizer's counters, and anything the caller adds. Writes are atomic (temporary file + rename), so an
/// interrupted save leaves the previous checkpoint intact.
package enum Checkpoint {
  /// The value of the `format` metadata key.
  package static let format = "infoplane-checkpoint-1"

  /// Saves the trainer's model, optimizer state and position to `url`.
  /// - Throws: `NeuralNetworkError.checkpoint` when the file cannot be written.
  package static func save(_ trainer: Trainer, to url: URL, metadata: [String: String] = [:]) throws {
    var tensors: [String: NPYArray] = [:]
    for (name, parameter) in trainer.model.namedParameters + trainer.model.namedBuffers {
      tensors["model.\(name)"] = NPYArray(parameter.value)
    }
    let state = trainer.optimizer.state
    for (name, tensor) in state.tensors { tensors[name] = NPYArray(tensor) }
    var meta = metadata
    meta["format"] = format
    meta["epoch"] = "\(trainer.epoch)"
    meta["step_in_epoch"] = "\(trainer.stepInEpoch)"
    meta["global_step"] = "\(trainer.globalStep)"
    meta["seed"] = "\(trainer.seed)"
    for (name, value) in state.counters { meta[name] = "\(value)" }
    do {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try SafeTensors.write(tensors, metadata: meta, to: url)
    } catch {
      throw NeuralNetworkError.checkpoint(path: url.path, reason: "\(error)")
    }
  }

  /// Restores model parameters, buffers, optimizer state and position from `url`, so that training continues
  /// exactly (the same seed gives the same next-step loss).
  ///
  /// Everything is read and checked before anything is changed: on error the trainer is untouched. The position
  /// must be one this training can reach: `step_in_epoch` < `batchesPerEpoch`, `global_step` = `epoch` ×
  /// `batchesPerEpoch` + `step_in_epoch`, and the optimizer's step counter equal to `global_step`.
  /// - Parameter batchesPerEpoch: batches per epoch of the data loader the training continues with.
  /// - Throws: `NeuralNetworkError.checkpoint` for an unreadable file, a missing or misshapen tensor, metadata that
  ///   is not a checkpoint of this format, or a position that does not fit (naming the field).
  package static func restore(_ trainer: inout Trainer, from url: URL, batchesPerEpoch: Int) throws {
    let file = try read(url)
    let values = try modelTensors(file, for: trainer.model, path: url.path)
    func counter(_ key: String) throws -> Int {
      guard let text = file.metadata[key], let value = Int(text), value >= 0 else {
        throw NeuralNetworkError.checkpoint(path: url.path, reason: "metadata \(key) is missing or not a count")
      }
      return value
    }
    let (epoch, stepInEpoch, globalStep) = (
      try counter("epoch"), try counter("step_in_epoch"), try counter("global_step")
    )
    guard stepInEpoch < batchesPerEpoch else {
      throw NeuralNetworkError.checkpoint(
        path: url.path,
        reason: "metadata step_in_epoch is \(stepInEpoch) but an epoch has \(batchesPerEpoch) batches (another "
          + "batch size or number of training images than the run's?)")
    }
    let (product, overflow) = epoch.multipliedReportingOverflow(by: batchesPerEpoch)
    guard !overflow, product <= Int.max - stepInEpoch, globalStep == product + stepInEpoch else {
      throw NeuralNetworkError.checkpoint(
        path: url.path,
        reason: "metadata global_step is \(globalStep) but epoch \(epoch) × \(batchesPerEpoch) batches + "
          + "step_in_epoch \(stepInEpoch) is \(overflow ? "too large" : String(product + stepInEpoch))")
    }
    if let steps = file.metadata["adam.steps"].flatMap({ Int($0) }), steps != globalStep {
      throw NeuralNetworkError.checkpoint(
        path: url.path, reason: "metadata adam.steps is \(steps) but global_step is \(globalStep); they must agree")
    }
    guard let seedText = file.metadata["seed"], let seed = UInt64(seedText) else {
      throw NeuralNetworkError.checkpoint(path: url.path, reason: "metadata seed is missing")
    }
    var optimizerTensors: [String: Tensor] = [:]
    for (name, array) in file.tensors where !name.hasPrefix("model.") {
      guard array.dtype == .float32 else {
        throw NeuralNetworkError.checkpoint(
          path: url.path, reason: "tensor \(name) is \(array.dtype.rawValue), not F32")
      }
      optimizerTensors[name] = array.tensor()
    }
    let counters = file.metadata.compactMapValues { Int($0) }
    var optimizer = trainer.optimizer
    do {
      try optimizer.restore(tensors: optimizerTensors, counters: counters)
    } catch let NeuralNetworkError.checkpoint(_, reason) {
      throw NeuralNetworkError.checkpoint(path: url.path, reason: reason)
    }
    // Checked: now apply.
    for (parameter, value) in values { parameter.value = value }
    trainer.optimizer = optimizer
    trainer.epoch = epoch
    trainer.stepInEpoch = stepInEpoch
    trainer.globalStep = globalStep
    trainer.seed = seed
    trainer.cachedOrder = nil
  }

  /// Loads only the model's parameters and buffers (for evaluation or probing).
  /// - Throws: As `restore(_:from:)`.
  package static func loadModel(_ model: Sequential, from url: URL) throws {
    let values = try modelTensors(try read(url), for: model, path: url.path)
    for (parameter, value) in values { parameter.value = value }
  }

  /// The metadata of the checkpoint at `url`.
  package static func metadata(at url: URL) throws -> [String: String] {
    try read(url).metadata
  }

  private static func read(_ url: URL) throws -> SafeTensorsFile {
    let file: SafeTensorsFile
    do {
      file = try SafeTensors.read(contentsOf: url)
    } catch {
      throw NeuralNetworkError.checkpoint(path: url.path, reason: "\(error)")
    }
    guard file.metadata["format"] == format else {
      throw NeuralNetworkError.checkpoint(
        path: url.path,
        reason: "it is a safetensors file but not an infoplane checkpoint (metadata format ≠ \(format))")
    }
    return file
  }

  /// Every parameter and buffer of `model` with its value from `file`, checked for presence, dtype and shape.
  private static func modelTensors(_ file: SafeTensorsFile, for model: Sequential, path: String) throws
    -> [(Parameter, Tensor)]
  {
    try (model.namedParameters + model.namedBuffers).map { name, parameter in
      guard let array = file.tensors["model.\(name)"] else {
        throw NeuralNetworkError.checkpoint(path: path, reason: "tensor model.\(name) is missing (a different model?)")
      }
      guard array.dtype == .float32, array.shape == parameter.shape else {
        throw NeuralNetworkError.checkpoint(
          path: path,
          reason: "tensor model.\(name) is \(array.dtype.rawValue) \(array.shape), expected F32 \(parameter.shape)")
      }
      let value = array.tensor()
      guard value.scalars.allSatisfy(\.isFinite) else {
        throw NeuralNetworkError.checkpoint(path: path, reason: "tensor model.\(name) holds NaN or Inf")
      }
      return (parameter, value)
    }
  }
}
