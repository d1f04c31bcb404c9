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
