@_spi(Benchmarks) import Datasets
import Foundation
@_spi(Benchmarks) import NeuralNetwork
@_spi(Benchmarks) import Tensor

/// Training and test images of a run, normalised (docs/method.md §10.3), with what the classifier needs to know
/// about them: the per-image shape, the number of classes and the model (the configured one or the default for
/// the image size).
struct ExperimentData {
  let train: LabelledImages
  let test: LabelledImages
  /// Per-image `[C, H, W]`.
  let inputShape: [Int]
  /// 1 + the largest label of either split.
  let classes: Int
  /// `config.model`, or the default for the images.
  let model: ClassifierArchitecture

  /// - Throws: dataset errors; `InformationPlaneError.invalidSetting` when `--x-latent-dim` exceeds the pixels per
  ///   image or the labels name fewer than two classes.
  init(config: ExperimentConfig) throws {
    (train, test) = try config.dataset.load(
      directory: config.dataDirectory, trainSamples: config.trainSamples, testSamples: config.testSamples,
      seed: config.seed)
    inputShape = Array(train.images.shape.dropFirst())
    classes = ImageDataset.classCount(train, test)
    model = config.model ?? .defaultModel(forImageHeight: inputShape[1])
    let shape = inputShape.map(String.init).joined(separator: "×")
    guard classes >= 2 else {
      throw InformationPlaneError.invalidSetting(
        name: "dataset labels", value: "only class 0", allowed: "at least two classes")
    }
    let pixels = inputShape.reduce(1, *)
    if config.inputLatentDimension > pixels {
      throw InformationPlaneError.invalidSetting(
        name: "--x-latent-dim", value: "\(config.inputLatentDimension)", allowed: "1…\(pixels) for \(shape) images")
    }
  }

  /// The run's classifier (`model` for these images and classes) with `config`'s noise, dropout and seed.
  /// - Throws: `InformationPlaneError.invalidSetting` naming `--model` when the images are too small for it.
  func classifier(config: ExperimentConfig) throws -> NoisyClassifier {
    do {
      return try NoisyClassifier(
        model, inputShape: inputShape, classes: classes, noise: Noise(config.noiseMode, sigma: config.noise),
        noiseAtInference: true, dropout: config.dropout, seed: config.seed &+ 11)
    } catch let error as NeuralNetworkError {
      throw InformationPlaneError.invalidSetting(
        name: "--model", value: "\(model.rawValue) for \(inputShape.map(String.init).joined(separator: "×")) images",
        allowed: "a model whose layers fit the images (\(error.description))")
    }
  }

  /// The images the information plane is measured on: the first `count` of the configured split.
  func evaluationSource(_ split: EvaluationSplit?) -> LabelledImages { split == .train ? train : test }
}
