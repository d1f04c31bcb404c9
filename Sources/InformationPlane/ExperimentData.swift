@_spi(Benchmarks) import Datasets
import Foundation
@_spi(Benchmarks) import NeuralNetwork
@_spi(Benchmarks) import Tensor

/// Training and test images of a run, normalised ((x − mean)/std per pixel value, docs/method.md §10.3), checked
/// against the classifier's input shape.
struct ExperimentData {
  let train: LabelledImages
  let test: LabelledImages

  init(config: ExperimentConfig) throws {
    (train, test) = try config.dataset.load(
      directory: config.dataDirectory, trainSamples: config.trainSamples, testSamples: config.testSamples,
      seed: config.seed)
    for split in [train, test] where Array(split.images.shape.dropFirst()) != MNISTClassifier.inputShape {
      throw InformationPlaneError.invalidSetting(
        name: "dataset images", value: "\(Array(split.images.shape.dropFirst()))", allowed: "1×28×28 (MNIST layout)")
    }
  }
}
