import Foundation
import Tensor

/// An image-classification dataset saved with NumPy: `train_images.npy`, `train_labels.npy`, `test_images.npy` and
/// `test_labels.npy` in one directory. Images are `[n, H, W]` (one channel) or `[n, C, H, W]`, the same per-image
/// shape in both splits (uint8 0…255, scaled by 1/255, or any other numeric dtype, taken as it is); labels are n
/// integers in 0…65 535 (the classes are 0 … the largest training label, at least two; test labels among them).
package enum NumPyImageDataset {
  /// Labels above this are rejected as not class indices.
  package static let largestLabel: Int32 = 65_535

  /// Loads both splits.
  /// - Throws: `DatasetsError.missingDatasetDirectory`, `.missingDatasetFile` naming the file, `.datasetMismatch`
  ///   for a rank other than 3 or 4, a per-image shape that differs between the splits, a count that differs from the
  ///   labels', a negative label or a non-finite pixel; or any `.npy` reading error.
  package static func load(from directory: URL) throws -> (train: LabelledImages, test: LabelledImages) {
    try IDXDataset.requireDatasetDirectory(directory, installHint: nil)
    let train = try split("train", directory)
    let test = try split("test", directory)
    if Array(train.images.shape.dropFirst()) != Array(test.images.shape.dropFirst()) {
      throw DatasetsError.datasetMismatch(
        images: directory.appendingPathComponent("train_images.npy").path,
        labels: directory.appendingPathComponent("test_images.npy").path,
        reason: "the training images are \(Array(train.images.shape.dropFirst())) but the test images are "
          + "\(Array(test.images.shape.dropFirst())) per image")
    }
    let classes = Int(train.labels.max() ?? 0) + 1
    if let bad = test.labels.firstIndex(where: { Int($0) >= classes }) {
      throw DatasetsError.datasetMismatch(
        images: directory.appendingPathComponent("test_images.npy").path,
        labels: directory.appendingPathComponent("test_labels.npy").path,
        reason: "label \(test.labels[bad]) in row \(bad) (0-based) is outside the training labels' classes "
          + "0…\(classes - 1)")
    }
    if classes < 2 {
      throw DatasetsError.datasetMismatch(
        images: directory.appendingPathComponent("train_images.npy").path,
        labels: directory.appendingPathComponent("train_labels.npy").path,
        reason: "every label is 0: a classifier needs at least two classes")
    }
    return (train, test)
  }

  private static func split(_ name: String, _ directory: URL) throws -> LabelledImages {
    let imagesURL = directory.appendingPathComponent("\(name)_images.npy")
    let labelsURL = directory.appendingPathComponent("\(name)_labels.npy")
    for url in [imagesURL, labelsURL] where !FileManager.default.fileExists(atPath: url.path) {
      throw DatasetsError.missingDatasetFile(directory: directory.path, file: url.lastPathComponent)
    }
    func mismatch(_ reason: String) -> DatasetsError {
      .datasetMismatch(images: imagesURL.path, labels: labelsURL.path, reason: reason)
    }
    let array = try NPY.read(contentsOf: imagesURL)
    let shape = array.shape
    guard shape.count == 3 || shape.count == 4, shape.dropFirst().allSatisfy({ $0 >= 1 }) else {
      throw mismatch("the images have shape \(shape), expected [n, H, W] or [n, C, H, W]")
    }
    let imageShape = shape.count == 3 ? [1, shape[1], shape[2]] : Array(shape.dropFirst())
    let size = imageShape.reduce(1, *)
    var images = array.tensor().reshaped([shape[0]] + imageShape)
    if array.dtype == .uint8 { images.withMutableScalars { p in for i in p.indices { p[i] /= 255 } } }
    if let bad = images.scalars.firstIndex(where: { !$0.isFinite }) {
      throw mismatch("image \(bad / size) (0-based) has NaN or Inf pixels")
    }
    let labels = try NPY.read(contentsOf: labelsURL).labels()
    guard labels.count == shape[0] else { throw mismatch("\(shape[0]) images but \(labels.count) labels") }
    if let bad = labels.firstIndex(where: { $0 < 0 || $0 > largestLabel }) {
      throw mismatch(
        "label \(labels[bad]) in row \(bad) (0-based) is not a class index 0…\(largestLabel)")
    }
    return LabelledImages(images: images, labels: labels)
  }
}
