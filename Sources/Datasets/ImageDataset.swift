import Foundation
import Tensor

/// The image-classification datasets that `infoplane ib` and `infoplane train` read, as named on the command line
/// and in a run's `config.json`. One loader serves both commands (`load(directory:trainSamples:testSamples:seed:)`).
public enum ImageDataset: String, Sendable, Codable, CaseIterable {
  /// The built-in procedural shapes (10 classes, 28×28); needs nothing installed.
  case shapes
  /// Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist from `apt-get install dataset-fashion-mnist`).
  case fashionMNIST = "fashion-mnist"
  /// MNIST IDX files (default directory /usr/share/datasets/mnist).
  case mnist
  /// Any 28×28 grayscale, 10-class dataset as NumPy files in a directory: `train_images.npy`, `train_labels.npy`,
  /// `test_images.npy`, `test_labels.npy` (images `[n, 28, 28]` or `[n, 1, 28, 28]`, uint8 0…255 or float;
  /// labels 0…9).
  case npy

  /// Training / test sizes the shapes dataset draws when not given.
  package static let defaultShapesTrain = 12_000
  package static let defaultShapesTest = 3_000

  /// Where the files are read from when no directory is given (nil: generated, or the current directory for npy).
  package var defaultDirectory: URL? {
    switch self {
    case .shapes: nil
    case .fashionMNIST: IDXDataset.fashionMNISTDirectory
    case .mnist: URL(fileURLWithPath: "/usr/share/datasets/mnist")
    case .npy: URL(fileURLWithPath: ".")
    }
  }

  /// The training and test splits, the first `trainSamples` / `testSamples` of each (all when nil; shapes draws
  /// that many, by default 12 000 and 3 000, seeded by `seed`), normalised to (x − mean)/std with pixels in [0, 1]:
  /// MNIST's and Fashion-MNIST's published statistics, or the training split's own for shapes and npy
  /// (docs/method.md §10.3). Images are `[n, 1, 28, 28]` Float32.
  /// - Throws: `DatasetsError` naming the missing or malformed file, or `.constantImages` for training images with
  ///   a single pixel value (nothing to normalise by).
  package func load(directory: String?, trainSamples: Int?, testSamples: Int?, seed: UInt64) throws
    -> (train: LabelledImages, test: LabelledImages)
  {
    var train: LabelledImages, test: LabelledImages
    let normalization: ImageNormalization
    let url = directory.map { URL(fileURLWithPath: $0) } ?? defaultDirectory ?? URL(fileURLWithPath: ".")
    switch self {
    case .shapes:
      let a = try ShapesDataset.generate(count: trainSamples ?? Self.defaultShapesTrain, seed: seed &+ 101)
      let b = try ShapesDataset.generate(count: testSamples ?? Self.defaultShapesTest, seed: seed &+ 102)
      train = LabelledImages(images: a.images, labels: a.labels)
      test = LabelledImages(images: b.images, labels: b.labels)
      normalization = ImageNormalization.fitted(to: a.images) ?? ImageNormalization(mean: 0, std: 1)
    case .fashionMNIST, .mnist:
      let idx = try IDXDataset.load(from: url)
      (train, test) = (idx.train, idx.test)
      normalization = self == .mnist ? .mnist : .fashionMNIST
    case .npy:
      (train, test) = try NumPyImageDataset.load(from: url)
      guard let fitted = ImageNormalization.fitted(to: train.images) else {
        throw DatasetsError.constantImages(file: url.appendingPathComponent("train_images.npy").path)
      }
      normalization = fitted
    }
    if self != .shapes {
      if let trainSamples { train = train.prefix(trainSamples) }
      if let testSamples { test = test.prefix(testSamples) }
    }
    return (
      LabelledImages(images: normalization(train.images), labels: train.labels),
      LabelledImages(images: normalization(test.images), labels: test.labels)
    )
  }
}
