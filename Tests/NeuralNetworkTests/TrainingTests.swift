@_spi(Benchmarks) import Datasets
import Foundation
@_spi(Benchmarks) import Tensor
import Testing

@_spi(Benchmarks) @testable import NeuralNetwork

/// Optimizers against closed forms, the loader, overfitting, the docs/method.md §10.1 classifier learning, and bad input.
@Suite struct TrainingTests {
  @Test func sgdWithMomentumFollowsTheRecurrence() {
    let p = Parameter(Tensor(shape: [1], scalars: [1]))
    var sgd = SGD(parameters: [("w", p)], learningRate: 0.1, momentum: 0.9)
    // Constant gradient 1: v₁ = 1, w₁ = 0.9; v₂ = 1.9, w₂ = 0.71.
    p.gradient = Tensor(shape: [1], scalars: [1])
    sgd.step()
    #expect(Swift.abs(p.value.scalars[0] - 0.9) < 1e-6)
    sgd.step()
    #expect(Swift.abs(p.value.scalars[0] - 0.71) < 1e-6)
  }

  @Test func adamFirstStepMovesByTheLearningRate() {
    // After one step m̂ = g and v̂ = g², so Δw = −lr·g/(|g| + ε) ≈ −lr·sign(g) whatever the gradient's size.
    let p = Parameter(Tensor(shape: [3], scalars: [0, 0, 0]))
    var adam = Adam(parameters: [("w", p)], learningRate: 0.01)
    p.gradient = Tensor(shape: [3], scalars: [1e-3, -5, 200])
    adam.step()
    for (w, s) in zip(p.value.scalars, [Float(-1), 1, -1]) { #expect(Swift.abs(w - 0.01 * s) < 1e-6) }
    #expect(adam.steps == 1)
  }

  @Test func loaderShufflesReproduciblyAndCoversEverySample() throws {
    let images = Tensor(shape: [10, 2], scalars: (0..<20).map(Float.init))
    let labels: [Int32] = (0..<10).map { Int32($0 % 3) }
    let loader = try DataLoader(images: images, labels: labels, classes: 3, batchSize: 4, shuffle: true, seed: 7)
    #expect(loader.batchCount == 3)
    #expect(loader.order(epoch: 0) == loader.order(epoch: 0))
    #expect(loader.order(epoch: 0) != loader.order(epoch: 1))
    let order = loader.order(epoch: 0)
    #expect(order.sorted() == Array(0..<10))
    let last = loader.batch(2, order: order)
    #expect(last.images.shape == [2, 2] && last.labels.count == 2)
    #expect(last.images.scalars[0] == Float(2 * order[8]) && last.labels[0] == labels[order[8]])
  }

  @Test func loaderRejectsBadLabelsAndCounts() {
    let images = Tensor.zeros([3, 4])
    #expect(throws: NeuralNetworkError.labelOutOfRange(index: 1, label: 10, classes: 10)) {
      try DataLoader(images: images, labels: [0, 10, 2], classes: 10, batchSize: 2, shuffle: false, seed: 0)
    }
    #expect(throws: NeuralNetworkError.labelOutOfRange(index: 2, label: -1, classes: 10)) {
      try DataLoader(images: images, labels: [0, 1, -1], classes: 10, batchSize: 2, shuffle: false, seed: 0)
    }
    #expect(throws: NeuralNetworkError.sampleCountMismatch(images: 3, labels: 2)) {
      try DataLoader(images: images, labels: [0, 1], classes: 10, batchSize: 2, shuffle: false, seed: 0)
    }
  }

  @Test func smallNetworkOverfitsASmallBatch() throws {
    var rng = Xoshiro256(seed: 1)
    let model = Sequential([
      Linear(8, 64, using: &rng), Activation.tanh, Linear(64, 4, using: &rng), Activation.logSoftmax,
    ])
    let x = random([16, 8], seed: 2)
    let labels: [Int32] = (0..<16).map { Int32(($0 * 7) % 4) }
    var trainer = Trainer(
      model: model, optimizer: Adam(parameters: model.namedParameters, learningRate: 0.01),
      lossFunction: .nll, seed: 0)
    var loss: Float = .infinity
    for _ in 0..<400 { loss = try trainer.step(x, target: .labels(labels)).loss }
    #expect(loss < 0.01)
  }

  @Test func classifierLearnsTwoThousandShapes() throws {
    // 2,000 Fashion-MNIST-shaped samples (1×28×28, 10 classes) from the built-in shapes dataset.
    let data = try ShapesDataset.generate(count: 2_000, seed: 3)
    let images = ImageNormalization(mean: 0.5, std: 0.5)(data.images)
    let classifier = try NoisyClassifier(seed: 4)
    var trainer = Trainer(
      model: classifier.network,
      optimizer: Adam(parameters: classifier.network.namedParameters, learningRate: 3e-3), lossFunction: .nll, seed: 5)
    let loader = try DataLoader(images: images, labels: data.labels, classes: 10, batchSize: 32, shuffle: true, seed: 6)
    let start = try trainer.evaluate(images, labels: data.labels)
    #expect(Swift.abs(start.loss - log(10)) < 0.3)  // an untrained classifier is near uniform
    for _ in 0..<4 { try trainer.trainEpoch(loader) }
    let end = try trainer.evaluate(images, labels: data.labels)
    #expect(end.loss < 0.6 * start.loss)
    #expect((end.accuracy ?? 0) > 0.5)
  }

  @Test func autoencoderReducesItsL1Loss() throws {
    let data = try ShapesDataset.generate(count: 64, seed: 7)
    let ae = try ImageAutoencoder(seed: 8)
    var trainer = Trainer(
      model: ae.network, optimizer: Adam(parameters: ae.network.namedParameters, learningRate: 3e-3),
      lossFunction: .l1, seed: 9)
    let first = try trainer.step(data.images, target: .tensor(data.images)).loss
    var last = first
    for _ in 0..<30 { last = try trainer.step(data.images, target: .tensor(data.images)).loss }
    #expect(last < 0.7 * first)
  }

  @Test func nonFiniteLossStopsWithEpochAndStepBeforeUpdating() throws {
    let classifier = try NoisyClassifier(seed: 0)
    var trainer = Trainer(
      model: classifier.network,
      optimizer: Adam(parameters: classifier.network.namedParameters), lossFunction: .nll, seed: 0)
    var images = random([8, 1, 28, 28], seed: 1)
    let labels = [Int32](repeating: 1, count: 8)
    let loader = try DataLoader(images: images, labels: labels, classes: 10, batchSize: 4, shuffle: false, seed: 0)
    try trainer.trainEpoch(loader)
    images[flat: 4 * 784 + 10] = .nan  // sample 4 is in the second batch
    let before = classifier.network.namedParameters.map { $0.parameter.value }
    let bad = try DataLoader(images: images, labels: labels, classes: 10, batchSize: 4, shuffle: false, seed: 0)
    let error = try #require(throws: NeuralNetworkError.self) { try trainer.trainEpoch(bad) }
    guard case let .nonFiniteLoss(epoch, step, _) = error else {
      Issue.record("expected nonFiniteLoss, got \(error)")
      return
    }
    #expect(epoch == 2 && step == 2)
    #expect(error.description.contains("epoch 2, step 2"))
    // The first step of epoch 2 updated the weights; the failing step did not.
    #expect(classifier.network.namedParameters.map { $0.parameter.value } != before)
  }

  @Test func wrongImageSizeIsAnErrorNotATrap() throws {
    let classifier = try NoisyClassifier(seed: 0)
    var trainer = Trainer(
      model: classifier.network,
      optimizer: Adam(parameters: classifier.network.namedParameters), lossFunction: .nll, seed: 0)
    let loader = try DataLoader(
      images: Tensor.zeros([4, 1, 32, 32]), labels: [0, 1, 2, 3], classes: 10, batchSize: 2,
      shuffle: false, seed: 0)
    #expect(throws: NeuralNetworkError.self) { try trainer.trainEpoch(loader) }
    #expect(throws: NeuralNetworkError.self) {
      try trainer.evaluate(Tensor.zeros([4, 1, 28, 28]), labels: [0, 1, 2, 12])
    }
  }

  /// A schedule sets the learning rate through the `Optimizer` protocol, whatever the optimizer: a zero rate leaves
  /// the weights as they are, the same gradient at a positive rate moves them.
  @Test func learningRateIsSetThroughTheProtocol() {
    for makeOptimizer in [
      { (p: Parameter) -> any Optimizer in SGD(parameters: [("w", p)], learningRate: 0.5) },
      { (p: Parameter) -> any Optimizer in Adam(parameters: [("w", p)], learningRate: 0.5) },
    ] {
      let p = Parameter(Tensor(shape: [2], scalars: [1, -1]))
      var optimizer = makeOptimizer(p)
      p.gradient = Tensor(shape: [2], scalars: [1, 1])
      optimizer.learningRate = 0
      optimizer.step()
      #expect(p.value.scalars == [1, -1])
      optimizer.learningRate = 0.1
      optimizer.step()
      #expect(p.value.scalars[0] < 1 && p.value.scalars[1] < -1)
    }
  }
}
