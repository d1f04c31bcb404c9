import Foundation
import Tensor

/// What a training step compares the model's output with.
@_spi(Benchmarks) public enum TrainingTarget {
  /// Class indices; the loss is NLL on the output (log-probabilities) or cross-entropy on logits.
  case labels([Int32])
  /// A tensor of the output's shape (MSE / L1; an autoencoder's target is its input).
  case tensor(Tensor)
}

/// Mini-batch training of a `Sequential` model with an optimizer; resumable at any step (see `Checkpoint`).
///
/// Step s (0-based, counted over all epochs) draws its dropout and noise from `mixSeed(seed, s)`, and epoch e shuffles
/// with the loader's seed, so a restored trainer continues exactly where the saved one stopped.
@_spi(Benchmarks) public struct Trainer {
  package var model: Sequential
  package var optimizer: any Optimizer
  package var lossFunction: LossFunction
  /// Seed of every dropout and noise draw.
  package internal(set) var seed: UInt64
  /// Completed epochs.
  package internal(set) var epoch = 0
  /// Completed steps of the current epoch.
  package internal(set) var stepInEpoch = 0
  /// Completed steps over all epochs.
  package internal(set) var globalStep = 0
  /// The sample order of `epoch`, computed once per epoch.
  var cachedOrder: (epoch: Int, order: [Int])?

  /// A trainer at epoch 0, step 0 of `model` with `optimizer` (over the model's parameters) and
  /// `lossFunction`; `seed` drives every dropout and noise draw.
  @_spi(Benchmarks) public init(model: Sequential, optimizer: any Optimizer, lossFunction: LossFunction, seed: UInt64) {
    self.model = model
    self.optimizer = optimizer
    self.lossFunction = lossFunction
    self.seed = seed
  }

  /// One optimisation step on a batch: forward with a tape, loss, backward, update.
  /// - Returns: The batch loss and, for label targets, the number of correct predictions.
  /// - Throws: `NeuralNetworkError.nonFiniteLoss` (1-based epoch and step) before updating anything.
  @_spi(Benchmarks) public mutating func step(_ inputs: Tensor, target: TrainingTarget) throws -> (
    loss: Float, correct: Int?
  ) {
    let tape = Tape()
    var context = ForwardContext(
      tape: tape, isTraining: true, seed: mixSeed(seed ^ 0x7472_6169_6E00, UInt64(globalStep)))
    let output = model.forward(Variable(inputs), context: &context)
    let loss = lossFunction(output, target)
    let value = loss.value.scalars[0]
    guard value.isFinite else {
      throw NeuralNetworkError.nonFiniteLoss(epoch: epoch + 1, step: stepInEpoch + 1, loss: value)
    }
    optimizer.zeroGradients()
    tape.backward(from: loss)
    optimizer.step()
    stepInEpoch += 1
    globalStep += 1
    if case let .labels(labels) = target, output.rank == 2 {
      return (value, zip(output.value.argmaxRows(), labels).filter { $0 == Int($1) }.count)
    }
    return (value, nil)
  }

  /// The next step of the current epoch: batch `stepInEpoch` of the loader's order for `epoch`; moves to the next
  /// epoch after the last batch. A trainer restored from a checkpoint continues with exactly the same batch.
  /// - Throws: `NeuralNetworkError.inputShape` when the data do not fit the model; `.nonFiniteLoss`.
  package mutating func trainStep(_ loader: DataLoader) throws -> (loss: Float, correct: Int?, samples: Int) {
    _ = try model.outputShape(for: loader.sampleShape)
    if cachedOrder?.epoch != epoch { cachedOrder = (epoch, loader.order(epoch: epoch)) }
    let batch = loader.batch(stepInEpoch, order: cachedOrder?.order ?? loader.order(epoch: epoch))
    let classification = lossFunction == .nll || lossFunction == .crossEntropy
    let result = try step(batch.images, target: classification ? .labels(batch.labels) : .tensor(batch.images))
    if stepInEpoch >= loader.batchCount {
      epoch += 1
      stepInEpoch = 0
    }
    return (result.loss, result.correct, batch.labels.count)
  }

  /// Trains until the end of the current epoch (from `stepInEpoch`, so a restored trainer resumes mid-epoch).
  /// - Parameters:
  ///   - targetTensors: for reconstruction losses, the targets; nil means the inputs themselves (autoencoders).
  ///   - epochs: the total planned epochs, for the ETA in `progress`.
  /// - Throws: `NeuralNetworkError.inputShape` when the data do not fit the model; `.nonFiniteLoss`.
  @discardableResult
  @_spi(Benchmarks) public mutating func trainEpoch(
    _ loader: DataLoader, epochs: Int? = nil, progress: ((TrainingProgress) -> Void)? = nil
  ) throws -> EpochMetrics {
    _ = try model.outputShape(for: loader.sampleShape)
    let started = Date()
    var (lossSum, correct, seen) = (0.0, 0, 0)
    let steps = loader.batchCount
    let classification = lossFunction == .nll || lossFunction == .crossEntropy
    let currentEpoch = epoch
    while epoch == currentEpoch {
      let result = try trainStep(loader)
      lossSum += Double(result.loss) * Double(result.samples)
      correct += result.correct ?? 0
      seen += result.samples
      if let progress {
        let elapsed = Date().timeIntervalSince(started)
        let rate = Double(seen) / max(elapsed, 1e-9)
        let done = epoch == currentEpoch ? stepInEpoch : steps
        let remainingSamples =
          Double(max(0, loader.count - done * loader.batchSize))
          + Double(max(0, (epochs ?? currentEpoch + 1) - currentEpoch - 1) * loader.count)
        progress(
          TrainingProgress(
            epoch: currentEpoch + 1, epochs: epochs ?? currentEpoch + 1, step: done, steps: steps,
            loss: lossSum / Double(seen), accuracy: classification ? Double(correct) / Double(seen) : nil,
            samplesPerSecond: rate, secondsRemaining: remainingSamples / rate))
      }
    }
    let seconds = Date().timeIntervalSince(started)
    return EpochMetrics(
      epoch: epoch, loss: lossSum / Double(max(1, seen)),
      accuracy: classification ? Double(correct) / Double(max(1, seen)) : nil,
      samplesPerSecond: Double(seen) / max(seconds, 1e-9), seconds: seconds)
  }

  /// Loss and accuracy of the model on labelled data in evaluation mode (no tape).
  /// - Throws: `NeuralNetworkError.inputShape`, `.labelOutOfRange`, `.sampleCountMismatch`.
  package func evaluate(_ images: Tensor, labels: [Int32], batchSize: Int = 2048, seed: UInt64 = 0) throws
    -> EpochMetrics
  {
    let started = Date()
    let outputs = try model.outputs(for: images, probing: [], batchSize: batchSize, seed: seed)
    guard let output = outputs["output"], output.rank == 2, output.shape[0] == labels.count else {
      throw NeuralNetworkError.sampleCountMismatch(images: images.shape.first ?? 0, labels: labels.count)
    }
    let classes = output.shape[1]
    if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
      throw NeuralNetworkError.labelOutOfRange(index: bad, label: labels[bad], classes: classes)
    }
    let variable = Variable(output)
    let loss = lossFunction == .crossEntropy ? variable.crossEntropy(labels: labels) : variable.nllLoss(labels: labels)
    let correct = zip(output.argmaxRows(), labels).filter { $0 == Int($1) }.count
    let seconds = Date().timeIntervalSince(started)
    return EpochMetrics(
      epoch: epoch, loss: Double(loss.value.scalars[0]),
      accuracy: Double(correct) / Double(max(1, labels.count)),
      samplesPerSecond: Double(labels.count) / max(seconds, 1e-9), seconds: seconds)
  }
}
