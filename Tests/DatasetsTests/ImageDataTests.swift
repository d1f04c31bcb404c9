import Foundation
import Tensor
import Testing

@testable import Datasets

/// CIFAR-10's binary format, npy images of any shape and class count, the colour shapes and per-channel
/// normalisation, on files written here.
@Suite struct ImageDataTests {
  static func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("infoplane-images-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// `count` records whose pixel (c, y, x) of record r is (r·7 + c·50 + y·3 + x) mod 256 and whose label is
  /// (r + offset) mod 10.
  static func records(_ count: Int, offset: Int = 0) -> [UInt8] {
    var bytes: [UInt8] = []
    for r in 0..<count {
      bytes.append(UInt8((r + offset) % 10))
      for c in 0..<3 { for y in 0..<32 { for x in 0..<32 { bytes.append(UInt8((r * 7 + c * 50 + y * 3 + x) % 256)) } } }
    }
    return bytes
  }

  /// The six files of the binary version with `perFile` records each (test: 2).
  static func writeCIFAR(_ directory: URL, perFile: Int = 3) throws {
    for (i, name) in CIFAR10Dataset.trainFiles.enumerated() {
      try Data(records(perFile, offset: i)).write(to: directory.appendingPathComponent(name))
    }
    try Data(records(2, offset: 5)).write(to: directory.appendingPathComponent(CIFAR10Dataset.testFile))
  }

  @Test func cifarRecordsBecomeChannelPlanes() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.writeCIFAR(dir)
    let (train, test) = try CIFAR10Dataset.load(from: dir)
    #expect(train.images.shape == [15, 3, 32, 32] && test.images.shape == [2, 3, 32, 32])
    // Batch 2's first record is the fourth training image; labels run on across the files.
    #expect(train.labels.prefix(7) == [0, 1, 2, 1, 2, 3, 2])
    #expect(test.labels == [5, 6])
    for (r, c, y, x) in [(0, 0, 0, 0), (0, 2, 31, 5), (1, 1, 4, 30), (2, 0, 17, 9)] {
      #expect(train.images[r, c, y, x] == Float((r * 7 + c * 50 + y * 3 + x) % 256) / 255)
    }
    // The dataset loader applies the paper's per-channel statistics.
    let (normalised, _) = try ImageDataset.cifar10.load(
      directory: dir.path, trainSamples: nil, testSamples: nil, seed: 0)
    let means: [Float] = [0.4914, 0.4822, 0.4465], stds: [Float] = [0.247, 0.243, 0.261]
    for c in 0..<3 {
      let raw = train.images[1, c, 2, 3]
      #expect(Swift.abs(normalised.images[1, c, 2, 3] - (raw - means[c]) / stds[c]) < 1e-5)
    }
    // The archive's folder is found one level down, and only the files the requested images need are read.
    let outer = try Self.directory()
    defer { try? FileManager.default.removeItem(at: outer) }
    let nested = outer.appendingPathComponent(CIFAR10Dataset.archiveFolder)
    try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
    try Self.writeCIFAR(nested)
    try Data([1, 2, 3]).write(to: nested.appendingPathComponent("data_batch_5.bin"))
    #expect(try CIFAR10Dataset.load(from: outer, trainSamples: 5).train.count == 6)
  }

  @Test func damagedCIFARFilesAreNamed() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.writeCIFAR(dir)
    let third = dir.appendingPathComponent("data_batch_3.bin")
    // A truncated file: not a whole number of records.
    try Data(Self.records(3).dropLast(100)).write(to: third)
    let truncated = try #require(throws: DatasetsError.self) { try CIFAR10Dataset.load(from: dir) }
    #expect(truncated.description.contains(third.path) && truncated.description.contains("3073-byte records"))
    // An empty file.
    try Data().write(to: third)
    #expect(throws: DatasetsError.self) { try CIFAR10Dataset.load(from: dir) }
    // A label outside 0…9, named with its record.
    var bad = Self.records(3)
    bad[2 * CIFAR10Dataset.recordBytes] = 10
    try Data(bad).write(to: third)
    let label = try #require(throws: DatasetsError.self) { try CIFAR10Dataset.load(from: dir) }
    #expect(label.description.contains(third.path) && label.description.contains("record 2"))
    #expect(label.description.contains("label 10"))
    // A missing file.
    try FileManager.default.removeItem(at: dir.appendingPathComponent("test_batch.bin"))
    #expect(throws: DatasetsError.missingDatasetFile(directory: dir.path, file: "test_batch.bin")) {
      try CIFAR10Dataset.load(from: dir)
    }
    #expect(throws: DatasetsError.self) { try CIFAR10Dataset.load(from: dir.appendingPathComponent("nowhere")) }
  }

  static func writeNPY(_ directory: URL, train: NPYArray, trainLabels: [Int32], test: NPYArray, testLabels: [Int32])
    throws
  {
    try NPY.write(train, to: directory.appendingPathComponent("train_images.npy"))
    try NPY.write(NPYArray(labels: trainLabels), to: directory.appendingPathComponent("train_labels.npy"))
    try NPY.write(test, to: directory.appendingPathComponent("test_images.npy"))
    try NPY.write(NPYArray(labels: testLabels), to: directory.appendingPathComponent("test_labels.npy"))
  }

  @Test func npyImagesOfAnyShapeAndClassCount() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Float colour images [n, 3, 8, 6] in three classes.
    var rng = Xoshiro256(seed: 3)
    let floats = (0..<(12 * 144)).map { _ in Float(rng.nextGaussian()) }
    try Self.writeNPY(
      dir, train: NPYArray(shape: [8, 3, 8, 6], storage: .float32(Array(floats[0..<(8 * 144)]))),
      trainLabels: [0, 1, 2, 0, 1, 2, 0, 1],
      test: NPYArray(shape: [4, 3, 8, 6], storage: .float32(Array(floats[(8 * 144)...]))), testLabels: [2, 1, 0, 2])
    let (train, test) = try ImageDataset.npy.load(directory: dir.path, trainSamples: nil, testSamples: nil, seed: 0)
    #expect(train.images.shape == [8, 3, 8, 6] && test.images.shape == [4, 3, 8, 6])
    #expect(ImageDataset.classCount(train, test) == 3)
    // Normalised per channel by the training images' own statistics: each channel has mean 0 and sd 1.
    for c in 0..<3 {
      var values: [Double] = []
      for i in 0..<8 { for y in 0..<8 { for x in 0..<6 { values.append(Double(train.images[i, c, y, x])) } } }
      let mean = values.reduce(0, +) / Double(values.count)
      let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
      #expect(Swift.abs(mean) < 1e-5 && Swift.abs(variance - 1) < 1e-4)
    }
    // uint8 grey images [n, H, W] of another size, two classes.
    try Self.writeNPY(
      dir, train: NPYArray(shape: [4, 12, 10], storage: .uint8((0..<480).map { UInt8($0 % 256) })),
      trainLabels: [0, 1, 1, 0],
      test: NPYArray(shape: [2, 12, 10], storage: .uint8([UInt8](repeating: 9, count: 240))),
      testLabels: [1, 0])
    let grey = try NumPyImageDataset.load(from: dir)
    #expect(grey.train.images.shape == [4, 1, 12, 10] && grey.train.images[0, 0, 1, 2] == 12 / 255)
  }

  @Test func npyDatasetsThatCannotTrainAreNamed() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let images = NPYArray(shape: [4, 1, 5, 5], storage: .float32((0..<100).map(Float.init)))
    // A test label no training image has.
    try Self.writeNPY(dir, train: images, trainLabels: [0, 1, 0, 1], test: images, testLabels: [0, 1, 2, 0])
    let unseen = try #require(throws: DatasetsError.self) { try NumPyImageDataset.load(from: dir) }
    #expect(unseen.description.contains("test_labels.npy") && unseen.description.contains("classes 0…1"))
    // One class only.
    try Self.writeNPY(dir, train: images, trainLabels: [0, 0, 0, 0], test: images, testLabels: [0, 0, 0, 0])
    #expect(throws: DatasetsError.self) { try NumPyImageDataset.load(from: dir) }
    // Splits of different image shapes, and a negative label.
    try Self.writeNPY(
      dir, train: images, trainLabels: [0, 1, 0, 1],
      test: NPYArray(shape: [4, 2, 5, 5], storage: .float32((0..<200).map(Float.init))), testLabels: [0, 1, 0, 1])
    let shapes = try #require(throws: DatasetsError.self) { try NumPyImageDataset.load(from: dir) }
    #expect(shapes.description.contains("[1, 5, 5]") && shapes.description.contains("[2, 5, 5]"))
    try Self.writeNPY(dir, train: images, trainLabels: [0, 1, -1, 1], test: images, testLabels: [0, 1, 0, 1])
    #expect(throws: DatasetsError.self) { try NumPyImageDataset.load(from: dir) }
  }

  @Test func colourShapesAreCIFARSized() throws {
    let (images, labels) = try ShapesDataset.generate(count: 100, seed: 4, colour: true)
    #expect(images.shape == [100, 3, 32, 32])
    for c in 0..<10 { #expect(labels.filter { $0 == Int32(c) }.count == 10) }
    #expect(images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    // Same seed, same images; the colours differ between images and between channels.
    #expect(try ShapesDataset.generate(count: 100, seed: 4, colour: true).images == images)
    #expect(images[0, 0, 0, 0] != images[1, 0, 0, 0] || images[0, 1, 0, 0] != images[1, 1, 0, 0])
    #expect(images[0, 0, 0, 0] != images[0, 1, 0, 0] || images[0, 0, 0, 0] != images[0, 2, 0, 0])
    // Every image shows its shape: within an image, the channels' ranges span the shape's contrast.
    for i in 0..<100 {
      var (low, high) = (Float.infinity, -Float.infinity)
      for y in 0..<32 {
        for x in 0..<32 { (low, high) = (min(low, images[i, 0, y, x]), max(high, images[i, 0, y, x])) }
      }
      #expect(high - low > 0.05, "image \(i) shows no shape in its red channel")
    }
    let (train, test) = try ImageDataset.shapesColor.load(directory: nil, trainSamples: 50, testSamples: 20, seed: 1)
    #expect(train.images.shape == [50, 3, 32, 32] && test.images.shape == [20, 3, 32, 32])
  }
}
