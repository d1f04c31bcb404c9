import Datasets
import Foundation
import NeuralNetwork
import Tensor

/// Training and test images of a run, normalised ((x − mean)/std per pixel value, METHOD.md §10.3).
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
      let values = a.images.scalars
      let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
      let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
      normalization = ImageNormalization(mean: Float(mean), std: Float(variance.squareRoot()))
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
      train = try Self.numpySplit("train", in: directory)
      test = try Self.numpySplit("test", in: directory)
      if let n = config.trainSamples { train = train.prefix(n) }
      if let n = config.testSamples { test = test.prefix(n) }
      // The training set's own pixel statistics, as for shapes.
      let values = train.images.scalars
      let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))
      let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(values.count, 1))
      guard variance > 0 else {
        throw InformationPlaneError.invalidSetting(name: "train_images.npy", value: "constant \(mean)",
                                                   allowed: "images with varying pixel values")
      }
      normalization = ImageNormalization(mean: Float(mean), std: Float(variance.squareRoot()))
    }
    func normalize(_ split: LabelledImages) -> LabelledImages {
      let (scale, shift) = (1 / normalization.std, normalization.mean / normalization.std)
      return LabelledImages(images: split.images.map { $0 * scale - shift }, labels: split.labels)
    }
    self.train = normalize(train)
    self.test = normalize(test)
  }

  /// `<split>_images.npy` and `<split>_labels.npy` from `directory`: images `[n, 28, 28]` or `[n, 1, 28, 28]`
  /// (uint8 scaled by 1/255, other dtypes as they are), n labels in 0…9.
  /// - Throws: `InformationPlaneError.missingInput` for a missing file, `.invalidSetting` for other shapes, other
  ///   counts, labels outside 0…9 or non-finite pixels; `DatasetsError` for unreadable files.
  static func numpySplit(_ split: String, in directory: URL) throws -> LabelledImages {
    let imagesURL = directory.appendingPathComponent("\(split)_images.npy")
    let labelsURL = directory.appendingPathComponent("\(split)_labels.npy")
    for url in [imagesURL, labelsURL] where !FileManager.default.fileExists(atPath: url.path) {
      throw InformationPlaneError.missingInput("\(url.path) is missing; --dataset npy needs train_images.npy, "
        + "train_labels.npy, test_images.npy and test_labels.npy in --data-dir.")
    }
    let array = try NPY.read(contentsOf: imagesURL)
    let shape = array.shape
    guard (shape.count == 3 && shape[1] == 28 && shape[2] == 28)
      || (shape.count == 4 && shape[1] == 1 && shape[2] == 28 && shape[3] == 28)
    else {
      throw InformationPlaneError.invalidSetting(name: imagesURL.lastPathComponent, value: "shape \(shape)",
                                                 allowed: "[n, 28, 28] or [n, 1, 28, 28] (the classifier's input)")
    }
    var images = array.tensor()
    if array.dtype == .uint8 { images = images.map { $0 / 255 } }
    if let bad = images.scalars.firstIndex(where: { !$0.isFinite }) {
      throw InformationPlaneError.invalidSetting(name: imagesURL.lastPathComponent,
                                                 value: "NaN or Inf in image \(bad / 784)", allowed: "finite pixels")
    }
    let labels = try NPY.read(contentsOf: labelsURL).labels()
    guard labels.count == shape[0] else {
      throw InformationPlaneError.invalidSetting(name: labelsURL.lastPathComponent, value: "\(labels.count) labels",
                                                 allowed: "one per image (\(shape[0]))")
    }
    if let bad = labels.firstIndex(where: { !(0...9).contains($0) }) {
      throw InformationPlaneError.invalidSetting(name: labelsURL.lastPathComponent,
                                                 value: "\(labels[bad]) in row \(bad)", allowed: "class labels 0…9")
    }
    return LabelledImages(images: images.reshaped([shape[0], 1, 28, 28]), labels: labels)
  }
}
