import Foundation
import Tensor

/// An image-classification dataset saved with NumPy: `train_images.npy`, `train_labels.npy`, `test_images.npy` and
/// `test_labels.npy` in one directory. Images are `[n, H, W]` or `[n, 1, H, W]` (uint8 0…255, scaled by 1/255, or
/// any other numeric dtype, taken as it is); labels are n integers in 0..<`classes`.
package enum NumPyImageDataset {
  /// Loads both splits, checking every image against `height` × `width`.
  /// - Throws: `DatasetsError.missingDatasetDirectory`, `.missingDatasetFile` naming the file, `.datasetMismatch`
  ///   for another image shape, a count that differs from the labels', a label outside 0..<`classes` or a
  ///   non-finite pixel; or any `.npy` reading error.
  package static func load(from directory: URL, height: Int = 28, width: Int = 28, classes: Int = 10) throws
    -> (train: LabelledImages, test: LabelledImages)
  {
    try IDXDataset.requireDatasetDirectory(directory, installHint: nil)
    return (try split("train", directory, height, width, classes), try split("test", directory, height, width, classes))
  }

  private static func split(_ name: String, _ directory: URL, _ height: Int, _ width: Int, _ classes: Int) throws
    -> LabelledImages
  {
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
    guard
      (shape.count == 3 && shape[1] == height && shape[2] == width)
        || (shape.count == 4 && shape[1] == 1 && shape[2] == height && shape[3] == width)
    else {
      throw mismatch("the images have shape \(shape), expected [n, \(height), \(width)] or [n, 1, \(height), \(width)]")
    }
    var images = array.tensor()
    if array.dtype == .uint8 { images = images.map { $0 / 255 } }
    if let bad = images.scalars.firstIndex(where: { !$0.isFinite }) {
      throw mismatch("image \(bad / (height * width)) (0-based) has NaN or Inf pixels")
    }
    let labels = try NPY.read(contentsOf: labelsURL).labels()
    guard labels.count == shape[0] else { throw mismatch("\(shape[0]) images but \(labels.count) labels") }
    if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
      throw mismatch("label \(labels[bad]) in row \(bad) (0-based) is outside the classes 0…\(classes - 1)")
    }
    return LabelledImages(images: images.reshaped([shape[0], 1, height, width]), labels: labels)
  }
}
