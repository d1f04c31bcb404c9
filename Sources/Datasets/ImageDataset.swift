import Foundation
import Tensor

/// The image-classification datasets that `infoplane ib` and `infoplane train` read, as named on the command line
/// and in a run's `config.json`. One loader serves both commands (`load(directory:trainSamples:testSamples:seed:)`).
public enum ImageDataset: String, Sendable, Codable, CaseIterable {
  /// The built-in procedural shapes (10 classes, 28×28 grey); needs nothing installed.
  case shapes
  /// The built-in shapes as 32×32 colour images (CIFAR-10's layout, 10 classes); needs nothing installed.
  case shapesColor = "shapes-color"
  /// Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist from `apt-get install dataset-fashion-mnist`).
  case fashionMNIST = "fashion-mnist"
  /// MNIST IDX files (default directory /usr/share/datasets/mnist).
  case mnist
  /// CIFAR-10's binary version (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`), 32×32 colour, 10 classes.
  case cifar10
  /// Any image-classification dataset as NumPy files in a directory: `train_images.npy`, `train_labels.npy`,
  /// `test_images.npy`, `test_labels.npy` (images `[n, H, W]` or `[n, C, H, W]`, uint8 0…255 or float; labels
  /// 0 … classes − 1, at least two classes).
  case npy

  /// Training / test sizes the shapes dataset draws when not given.
  package static let defaultShapesTrain = 12_000
  package static let defaultShapesTest = 3_000

  /// The (training, test) sizes of the full dataset (the shapes datasets: what they draw by default); nil for npy.
  package var standardSizes: (train: Int, test: Int)? {
    switch self {
    case .shapes, .shapesColor: (Self.defaultShapesTrain, Self.defaultShapesTest)
    case .fashionMNIST, .mnist: (60_000, 10_000)
    case .cifar10: (50_000, 10_000)
    case .npy: nil
    }
  }

  /// Where the files are read from when no directory is given (nil: generated, or the current directory for npy).
  package var defaultDirectory: URL? {
    switch self {
    case .shapes, .shapesColor: nil
    case .cifar10: URL(fileURLWithPath: ".")
    case .fashionMNIST: IDXDataset.fashionMNISTDirectory
    case .mnist: URL(fileURLWithPath: "/usr/share/datasets/mnist")
    case .npy: URL(fileURLWithPath: ".")
    }
  }

  /// The training and test splits, the first `trainSamples` / `testSamples` of each (all when nil; shapes draws
  /// that many, by default 12 000 and 3 000, seeded by `seed`), normalised to (x − mean)/std with pixels in [0, 1]:
  /// MNIST's and Fashion-MNIST's published statistics, or the training split's own for shapes and npy
  /// (docs/method.md §10.3); CIFAR-10's per-channel statistics for cifar10. Images are `[n, C, H, W]` Float32.
  /// - Throws: `DatasetsError` naming the missing or malformed file, or `.constantImages` for training images with
  ///   a single pixel value (nothing to normalise by).
  package func load(directory: String?, trainSamples: Int?, testSamples: Int?, seed: UInt64) throws
    -> (train: LabelledImages, test: LabelledImages)
  {
    var train: LabelledImages, test: LabelledImages
    let normalization: ImageNormalization
    let url = directory.map { URL(fileURLWithPath: $0) } ?? defaultDirectory ?? URL(fileURLWithPath: ".")
    switch self {
    case .shapes, .shapesColor:
      let colour = self == .shapesColor
      let a = try ShapesDataset.generate(
        count: trainSamples ?? Self.defaultShapesTrain, seed: seed &+ 101, colour: colour)
      let b = try ShapesDataset.generate(
        count: testSamples ?? Self.defaultShapesTest, seed: seed &+ 102, colour: colour)
      train = LabelledImages(images: a.images, labels: a.labels)
      test = LabelledImages(images: b.images, labels: b.labels)
      normalization = ImageNormalization.fitted(to: a.images) ?? ImageNormalization(mean: 0, std: 1)
    case .cifar10:
      (train, test) = try CIFAR10Dataset.load(from: url, trainSamples: trainSamples)
      normalization = .cifar10
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
    if self != .shapes && self != .shapesColor {
      if let trainSamples { train = train.prefix(trainSamples) }
      if let testSamples { test = test.prefix(testSamples) }
    }
    normalization.normalize(&train.images)
    normalization.normalize(&test.images)
    return (train, test)
  }

  /// The number of classes of a dataset's splits: 1 + the largest label (labels are 0-based class indices).
  package static func classCount(_ splits: LabelledImages...) -> Int {
    Int(splits.compactMap { $0.labels.max() }.max() ?? 0) + 1
  }
}
