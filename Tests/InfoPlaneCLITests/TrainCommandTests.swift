import Foundation
import InfoPlane
import Testing

@testable import infoplane

/// `infoplane train` on a tiny IDX dataset written by the test.
@Suite struct TrainCommandTests {
  /// Writes `count` training and `count / 2` test images of shape `side×side` with labels in 0..<classes.
  func writeDataset(count: Int, side: Int = 28, labelOffset: UInt8 = 0) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "infoplane-train-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (prefix, n) in [("train", count), ("t10k", count / 2)] {
      var pixels = [UInt8]()
      var labels = [UInt8]()
      for i in 0..<n {
        let label = UInt8(i % 10)
        labels.append(label &+ labelOffset)
        // A bright square whose position encodes the label: learnable in a few steps.
        for r in 0..<side { for c in 0..<side { pixels.append(r / 3 == Int(label) % 9 && c > side / 2 ? 255 : 0) } }
      }
      try IDX.write(
        NPYArray(shape: [n, side, side], storage: .uint8(pixels)),
        to: directory.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
      try IDX.write(
        NPYArray(shape: [n], storage: .uint8(labels)),
        to: directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
    }
    return directory
  }

  @Test func trainsSavesAndResumes() throws {
    let data = try writeDataset(count: 200)
    let out = data.appendingPathComponent("run")
    defer { try? FileManager.default.removeItem(at: data) }
    let parsed = try InfoPlaneCommand.parseAsRoot([
      "train", "--data-dir", data.path, "--epochs", "2", "--batch-size", "50", "--lr", "3e-3", "--out", out.path,
      "--json", "--quiet",
    ])
    let train = try #require(parsed as? TrainCommand)
    let output = try train.output()
    let object = try JSONSerialization.jsonObject(with: Data(output.utf8))
    let json = try #require(object as? [String: Any])
    #expect(json["epochs"] as? Int == 2)
    let accuracy = try #require(json["test_accuracy"] as? Double)
    #expect(accuracy >= 0 && accuracy <= 1)
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("checkpoint.safetensors").path))
    let csv = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 3)
    // Resume for one more epoch: the metrics file grows by one row.
    var resume = try InfoPlaneCommand.parseAsRoot([
      "train", "--data-dir", data.path, "--epochs", "3", "--batch-size", "50", "--lr", "3e-3", "--out", out.path,
      "--resume", "--quiet",
    ])
    try resume.run()
    let resumed = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
    #expect(resumed.split(separator: "\n").count == 4)
    #expect(resumed.hasPrefix(csv))
  }

  /// The same images as four NumPy files (`--dataset npy`, normalised by their own statistics) train and learn.
  @Test func numpyDatasetTrains() throws {
    let data = try writeDataset(count: 400)
    defer { try? FileManager.default.removeItem(at: data) }
    for (idxPrefix, split) in [("train", "train"), ("t10k", "test")] {
      let images = try IDX.read(contentsOf: data.appendingPathComponent("\(idxPrefix)-images-idx3-ubyte"))
      let labels = try IDX.read(contentsOf: data.appendingPathComponent("\(idxPrefix)-labels-idx1-ubyte"))
      try NPY.write(images, to: data.appendingPathComponent("\(split)_images.npy"))
      try NPY.write(labels, to: data.appendingPathComponent("\(split)_labels.npy"))
    }
    let parsed = try InfoPlaneCommand.parseAsRoot([
      "train", "--dataset", "npy", "--data-dir", data.path, "--epochs", "8", "--batch-size", "50", "--lr", "3e-3",
      "--out", data.appendingPathComponent("run").path, "--json", "--quiet",
    ])
    let train = try #require(parsed as? TrainCommand)
    let output = try train.output()
    let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    // Ten position-coded classes: chance is 0.1; the square's row gives the label away (measured: 0.9).
    #expect(try #require(json["test_accuracy"] as? Double) > 0.5)
  }

  @Test func missingDatasetSaysHowToInstallIt() throws {
    let command = try #require(
      try InfoPlaneCommand.parseAsRoot(["train", "--data-dir", "/nonexistent/fashion", "--quiet"]) as? TrainCommand)
    #expect(throws: DatasetsError.self) { _ = try command.output() }
    let error = DatasetsError.missingDatasetDirectory(
      directory: "/usr/share/datasets/fashion-mnist", installHint: "apt-get install dataset-fashion-mnist")
    #expect(error.description.contains("apt-get install dataset-fashion-mnist"))
  }

  @Test func wrongImageSizeAndBadLabelsAreUserErrors() throws {
    let small = try writeDataset(count: 20, side: 20)
    let badLabels = try writeDataset(count: 20, labelOffset: 5)
    defer {
      try? FileManager.default.removeItem(at: small)
      try? FileManager.default.removeItem(at: badLabels)
    }
    for directory in [small, badLabels] {
      let parsed = try InfoPlaneCommand.parseAsRoot([
        "train", "--data-dir", directory.path, "--out", directory.appendingPathComponent("run").path, "--quiet",
      ])
      let command = try #require(parsed as? TrainCommand)
      do {
        _ = try command.output()
        Issue.record("expected an error for \(directory.lastPathComponent)")
      } catch {
        // Images too small for the network, labels outside the ten classes of an IDX dataset.
        #expect(error is NeuralNetworkError || error is DatasetsError)
        #expect(exitStatus(for: error) == 2)
      }
    }
  }

  @Test func badOptionsAreUsageErrors() {
    for arguments in [
      ["--epochs", "0"], ["--lr", "-1"], ["--dropout", "1"], ["--dataset", "cifar"], ["--batch-size", "0"],
      ["--dataset", "npy"],
    ] {
      do {
        _ = try InfoPlaneCommand.parseAsRoot(["train"] + arguments)
        Issue.record("expected a usage error for \(arguments)")
      } catch {
        #expect(InfoPlaneCommand.exitCode(for: error) == .validationFailure, "\(arguments)")
      }
    }
  }
}
