import Foundation
import Tensor
import Testing

@testable import Datasets

@Suite struct LabelledImagesTests {
  /// Pixel p of image n in the mini dataset is 40n + p (make_fixtures.py); train is gzip-compressed, test plain.
  @Test func loadsBothSplitsScaledToUnitRange() throws {
    let dataset = try IDXDataset.load(from: Fixtures.url("mini-mnist"))
    #expect(dataset.train.images.shape == [3, 1, 2, 3])
    #expect(dataset.train.labels == [0, 1, 2])
    #expect(dataset.test.images.shape == [2, 1, 2, 3])
    #expect(dataset.test.labels == [0, 1])
    #expect(dataset.train.images[2, 0, 1, 2] == Float(40 * 2 + 5) / 255)
    let pixels: [Float] = (0..<12).map { (i: Int) -> Float in Float(40 * (i / 6) + i % 6) / 255 }
    #expect(dataset.test.images.scalars == pixels)
  }

  @Test func namesTheMissingFile() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.copyItem(
      at: Fixtures.url("mini-mnist/t10k-images-idx3-ubyte"), to: directory.file("t10k-images-idx3-ubyte"))
    let error = try #require(throws: DatasetsError.self) { try IDXDataset.load(.test, from: directory.url) }
    #expect(
      error
        == .missingDatasetFile(
          directory: directory.url.path, file: "t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz"))
  }

  @Test func explainsAMissingDirectory() throws {
    let error = try #require(throws: DatasetsError.self) {
      try IDXDataset.load(.train, from: URL(fileURLWithPath: "/nonexistent/mnist"))
    }
    #expect(error == .missingDatasetDirectory(directory: "/nonexistent/mnist", installHint: nil))
    let hint = DatasetsError.missingDatasetDirectory(
      directory: IDXDataset.fashionMNISTDirectory.path, installHint: "apt-get install dataset-fashion-mnist")
    #expect(hint.description.contains("apt-get install dataset-fashion-mnist"))
  }

  @Test func rejectsMismatchedImagesAndLabels() throws {
    let images = NPYArray(shape: [2, 1, 1], storage: .uint8([0, 255]))
    #expect(throws: DatasetsError.self) {
      try LabelledImages(
        idxImages: images, idxLabels: NPYArray(shape: [3], storage: .uint8([0, 1, 2])), imagesFile: "i", labelsFile: "l"
      )
    }
    #expect(throws: DatasetsError.self) {
      try LabelledImages(
        idxImages: images.reshapedForTest(), idxLabels: NPYArray(shape: [2], storage: .uint8([0, 1])), imagesFile: "i",
        labelsFile: "l")
    }
  }

  /// The real Fashion-MNIST, where installed: 60 000 + 10 000 images of 28×28 in 10 balanced classes.
  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: IDXDataset.fashionMNISTDirectory.path), "needs dataset-fashion-mnist"))
  func loadsInstalledFashionMNIST() throws {
    let dataset = try IDXDataset.load()
    #expect(dataset.train.images.shape == [60_000, 1, 28, 28])
    #expect(dataset.test.images.shape == [10_000, 1, 28, 28])
    for split in [dataset.train, dataset.test] {
      var counts = [Int](repeating: 0, count: 10)
      for label in split.labels { counts[Int(label)] += 1 }
      #expect(counts == Array(repeating: split.count / 10, count: 10))
      #expect(split.images.scalars.min() == 0 && split.images.scalars.max() == 1)
    }
  }
}

extension NPYArray {
  /// The same elements as a 2-D array, to feed a wrong rank.
  fileprivate func reshapedForTest() -> NPYArray { NPYArray(shape: [shape[0], count / shape[0]], storage: storage) }
}
