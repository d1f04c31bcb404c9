import Datasets
import Foundation
import NeuralNetwork
import Tensor

/// Training and test images of a run, normalised ((x − mean)/std per pixel value, docs/method.md §10.3).
struct ExperimentData {
  let train: LabelledImages
  let test: LabelledImages

  init(config: ExperimentConfig) throws {
    var train: LabelledImages
    var test: LabelledImages
    let normalization: ImageNormalization
    switch config.dataset {
    case .shapes:
      let a = try ShapesDataset.generate(count: config.trainSamples ?? ExperimentConfig.defaultShapesTrain,
                                         seed: config.seed &+ 101)
      let b = try ShapesDataset.generate(count: config.testSamples ?? ExperimentConfig.defaultShapesTest,
                                         seed: config.seed &+ 102)
      train = LabelledImages(images: a.images, labels: a.labels)
      test = LabelledImages(images: b.images, labels: b.labels)
      // The training set's own pixel statistics.
      normalization = ImageNormalization.fitted(to: a.images) ?? ImageNormalization(mean: 0, std: 1)
    case .fashionMNIST, .mnist:
      let directory = config.dataDirectory.map { URL(fileURLWithPath: $0) } ?? IDXDataset.fashionMNISTDirectory
      let dataset = try IDXDataset.load(from: directory)
      train = dataset.train
      test = dataset.test
      if let n = config.trainSamples { train = train.prefix(n) }
      if let n = config.testSamples { test = test.prefix(n) }
      normalization = config.dataset == .mnist ? .mnist : .fashionMNIST
      for split in [train, test] where Array(split.images.shape.dropFirst()) != MNISTClassifier.inputShape {
        throw InformationPlaneError.invalidSetting(
          name: "dataset images", value: "\(Array(split.images.shape.dropFirst()))", allowed: "1×28×28 (MNIST layout)")
      }
    case .npy:
      let directory = URL(fileURLWithPath: config.dataDirectory ?? ".")
      (train, test) = try NumPyImageDataset.load(from: directory)
      if let n = config.trainSamples { train = train.prefix(n) }
      if let n = config.testSamples { test = test.prefix(n) }
      // The training set's own pixel statistics, as for shapes.
      guard let fitted = ImageNormalization.fitted(to: train.images) else {
        throw InformationPlaneError.invalidSetting(name: "train_images.npy", value: "constant pixels",
                                                   allowed: "images with varying pixel values")
      }
      normalization = fitted
    }
    func normalize(_ split: LabelledImages) -> LabelledImages {
      let (scale, shift) = (1 / normalization.std, normalization.mean / normalization.std)
      return LabelledImages(images: split.images.map { $0 * scale - shift }, labels: split.labels)
    }
    self.train = normalize(train)
    self.test = normalize(test)
  }
}
