import Foundation
import Tensor

/// Grey-scale images with one class label each, as the network trains on them.
package struct LabelledImages: Sendable, Equatable {
  /// `[N, 1, H, W]` Float32 pixels scaled from 0…255 to [0, 1].
  package var images: Tensor
  /// `N` class labels.
  package var labels: [Int32]

  package init(images: Tensor, labels: [Int32]) {
    precondition(
      images.rank == 4 && images.shape[0] == labels.count, "images \(images.shape) vs \(labels.count) labels")
    self.images = images
    self.labels = labels
  }

  /// Number of images.
  package var count: Int { labels.count }

  /// Pairs an IDX uint8 `[N, H, W]` image array with an IDX `[N]` label array; the file names appear in errors.
  /// - Throws: `DatasetsError.datasetMismatch` for other dtypes or ranks, or different counts.
  package init(idxImages: NPYArray, idxLabels: NPYArray, imagesFile: String, labelsFile: String) throws {
    guard case let .uint8(pixels) = idxImages.storage, idxImages.rank == 3 else {
      throw DatasetsError.datasetMismatch(
        images: imagesFile, labels: labelsFile,
        reason: "the images are \(idxImages.dtype.rawValue) \(idxImages.shape), expected uint8 [N, height, width]")
    }
    guard idxLabels.rank == 1, idxLabels.dtype != .float32, idxLabels.dtype != .float64 else {
      throw DatasetsError.datasetMismatch(
        images: imagesFile, labels: labelsFile,
        reason: "the labels are \(idxLabels.dtype.rawValue) \(idxLabels.shape), expected integers [N]")
    }
    guard idxLabels.count == idxImages.shape[0] else {
      throw DatasetsError.datasetMismatch(
        images: imagesFile, labels: labelsFile,
        reason: "\(idxImages.shape[0]) images but \(idxLabels.count) labels")
    }
    let labels: [Int32]
    do {
      labels = try idxLabels.labels()
    } catch {
      throw DatasetsError.datasetMismatch(images: imagesFile, labels: labelsFile, reason: "\(error)")
    }
    let scaled = [Float](unsafeUninitializedCapacity: pixels.count) { buffer, initialized in
      pixels.withUnsafeBufferPointer { p in
        for i in 0..<p.count { buffer[i] = Float(p[i]) / 255 }
      }
      initialized = pixels.count
    }
    let shape = idxImages.shape
    self.init(images: Tensor(shape: [shape[0], 1, shape[1], shape[2]], scalars: scaled), labels: labels)
  }
}

/// An MNIST-style dataset: a training and a test split stored as four IDX files (plain or `.gz`) in one directory,
/// `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`.
///
/// Fashion-MNIST (Xiao et al. 2017) and MNIST both use these names: 60 000 training and 10 000 test images of
/// 28×28 pixels in 10 classes.
package struct IDXDataset: Sendable, Equatable {
  package var train: LabelledImages
  package var test: LabelledImages

  /// The two splits.
  package enum Split: String, Sendable, CaseIterable {
    case train
    case test

    /// The file-name prefix MNIST uses.
    var filePrefix: String { self == .train ? "train" : "t10k" }
  }

  /// Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST.
  package static let fashionMNISTDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

  /// Loads both splits from `directory`.
  /// - Throws: As `load(_:from:)`.
  package static func load(from directory: URL = fashionMNISTDirectory) throws -> IDXDataset {
    IDXDataset(train: try load(.train, from: directory), test: try load(.test, from: directory))
  }

  /// Loads one split from `directory`, preferring the plain file over the `.gz` one when both exist.
  /// - Throws: `DatasetsError.missingDatasetDirectory` (with the `apt-get` command for the default directory),
  ///   `.missingDatasetFile` naming the file, `.datasetMismatch`, or any IDX reading error.
  package static func load(_ split: Split, from directory: URL = fashionMNISTDirectory) throws -> LabelledImages {
    let isDefault = directory.standardizedFileURL.path == fashionMNISTDirectory.path
    try requireDatasetDirectory(directory, installHint: isDefault ? "apt-get install dataset-fashion-mnist" : nil)
    let imagesURL = try locate("\(split.filePrefix)-images-idx3-ubyte", in: directory)
    let labelsURL = try locate("\(split.filePrefix)-labels-idx1-ubyte", in: directory)
    return try LabelledImages(
      idxImages: IDX.read(contentsOf: imagesURL), idxLabels: IDX.read(contentsOf: labelsURL),
      imagesFile: imagesURL.path, labelsFile: labelsURL.path)
  }

  /// Throws `DatasetsError.missingDatasetDirectory` (with `installHint`, if any) unless `directory` is a directory.
  static func requireDatasetDirectory(_ directory: URL, installHint: String?) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
    else { throw DatasetsError.missingDatasetDirectory(directory: directory.path, installHint: installHint) }
  }

  /// `name` or `name.gz` in `directory`.
  private static func locate(_ name: String, in directory: URL) throws -> URL {
    for candidate in [name, name + ".gz"] {
      let url = directory.appendingPathComponent(candidate)
      if FileManager.default.fileExists(atPath: url.path) { return url }
    }
    throw DatasetsError.missingDatasetFile(directory: directory.path, file: "\(name) or \(name).gz")
  }
}

extension Tensor {
  /// The first `count` samples (rows along axis 0).
  package func prefix(_ count: Int) -> Tensor {
    let n = shape.first ?? 0
    let m = Swift.min(count, n)
    let size = n == 0 ? 0 : self.count / n
    return Tensor(shape: [m] + shape.dropFirst(), scalars: Array(scalars[0..<(m * size)]))
  }
}

extension LabelledImages {
  /// The first `count` images and labels.
  package func prefix(_ count: Int) -> LabelledImages {
    LabelledImages(images: images.prefix(count), labels: Array(labels.prefix(count)))
  }
}
