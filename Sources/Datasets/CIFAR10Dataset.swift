import Foundation
import Tensor

/// CIFAR-10's binary version (Krizhevsky 2009; https://www.cs.toronto.edu/~kriz/cifar.html, "CIFAR-10 binary
/// version"): `data_batch_1.bin` … `data_batch_5.bin` (training) and `test_batch.bin` (test) in one directory — the
/// `cifar-10-batches-bin/` folder of `cifar-10-binary.tar.gz`, or the folder that holds it.
///
/// Each file is a sequence of 3073-byte records: the label byte (0…9), then 1024 red, 1024 green and 1024 blue
/// bytes, each plane row-major 32×32. The official files hold 10 000 records each; any whole number of records is
/// read.
package enum CIFAR10Dataset {
  /// Bytes per record: one label and 3×32×32 pixels.
  package static let recordBytes = 1 + 3 * 32 * 32
  /// The training files, in order.
  package static let trainFiles = (1...5).map { "data_batch_\($0).bin" }
  /// The test file.
  package static let testFile = "test_batch.bin"
  /// The folder the official archive unpacks to.
  package static let archiveFolder = "cifar-10-batches-bin"

  /// Both splits with pixels scaled to [0, 1], images `[n, 3, 32, 32]`; the training split is the five batches in
  /// order. Only the first `trainSamples` training images are read when given (files past them are not opened).
  /// - Throws: `DatasetsError.missingDatasetDirectory`, `.missingDatasetFile` naming the file,
  ///   `.badRecords` naming the file for a size that is not a whole number of records or a label outside 0…9.
  package static func load(from directory: URL, trainSamples: Int? = nil) throws
    -> (train: LabelledImages, test: LabelledImages)
  {
    try IDXDataset.requireDatasetDirectory(directory, installHint: nil)
    var folder = directory
    let nested = directory.appendingPathComponent(archiveFolder)
    if !FileManager.default.fileExists(atPath: directory.appendingPathComponent(testFile).path),
      FileManager.default.fileExists(atPath: nested.appendingPathComponent(testFile).path)
    {
      folder = nested
    }
    for name in trainFiles + [testFile]
    where !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
      throw DatasetsError.missingDatasetFile(directory: folder.path, file: name)
    }
    var parts: [LabelledImages] = []
    var loaded = 0
    for name in trainFiles {
      if let trainSamples, loaded >= trainSamples { break }
      let part = try read(folder.appendingPathComponent(name))
      loaded += part.count
      parts.append(part)
    }
    return (concatenate(parts), try read(folder.appendingPathComponent(testFile)))
  }

  /// The records of one file.
  /// - Throws: `DatasetsError.badRecords` for a size that is not a positive multiple of 3073 bytes or a label
  ///   outside 0…9 (naming the record); reading errors naming the file.
  package static func read(_ url: URL) throws -> LabelledImages {
    let data = try DatasetFile.read(url)
    guard data.count > 0, data.count % recordBytes == 0 else {
      throw DatasetsError.badRecords(
        file: url.path, format: "CIFAR-10 binary",
        reason: "its \(data.count) bytes are not a whole number of \(recordBytes)-byte records "
          + "(label byte + 3×32×32 pixels)")
    }
    let count = data.count / recordBytes
    let pixels = 3 * 32 * 32
    var labels = [Int32](repeating: 0, count: count)
    var badRecord: (index: Int, label: UInt8)?
    let scalars = [Float](unsafeUninitializedCapacity: count * pixels) { out, initialized in
      data.withUnsafeBytes { raw in
        for r in 0..<count {
          let base = r * recordBytes
          let label = raw[base]
          if label > 9, badRecord == nil { badRecord = (r, label) }
          labels[r] = Int32(label)
          for j in 0..<pixels { out[r * pixels + j] = Float(raw[base + 1 + j]) / 255 }
        }
      }
      initialized = count * pixels
    }
    if let badRecord {
      throw DatasetsError.badRecords(
        file: url.path, format: "CIFAR-10 binary",
        reason: "record \(badRecord.index) (0-based, byte offset \(badRecord.index * recordBytes)) has label "
          + "\(badRecord.label), outside 0…9")
    }
    return LabelledImages(images: Tensor(shape: [count, 3, 32, 32], scalars: scalars), labels: labels)
  }

  private static func concatenate(_ parts: [LabelledImages]) -> LabelledImages {
    guard parts.count > 1 else { return parts[0] }
    var scalars: [Float] = []
    scalars.reserveCapacity(parts.reduce(0) { $0 + $1.images.count })
    for part in parts { scalars += part.images.scalars }
    let count = parts.reduce(0) { $0 + $1.count }
    return LabelledImages(
      images: Tensor(shape: [count, 3, 32, 32], scalars: scalars), labels: parts.flatMap(\.labels))
  }
}
