import Foundation
import Tensor

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
    let images = try LabelledImages(
      idxImages: IDX.read(contentsOf: imagesURL), idxLabels: IDX.read(contentsOf: labelsURL),
      imagesFile: imagesURL.path, labelsFile: labelsURL.path)
    if let bad = images.labels.firstIndex(where: { $0 < 0 || $0 > 9 }) {
      throw DatasetsError.datasetMismatch(
        images: imagesURL.path, labels: labelsURL.path,
        reason: "label \(images.labels[bad]) in row \(bad) (0-based) is outside the ten classes 0…9")
    }
    return images
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
