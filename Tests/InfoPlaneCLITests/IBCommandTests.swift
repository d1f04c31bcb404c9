import Foundation
import InfoPlane
import Testing

@testable import infoplane

/// `infoplane ib` with the models and datasets of real networks, end to end on tiny data.
@Suite struct IBCommandTests {
  static func rows(_ run: URL) throws -> [[String]] {
    try String(contentsOf: run.appendingPathComponent("mi.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
      .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
  }

  static func config(_ run: URL) throws -> ExperimentConfig {
    try JSONDecoder().decode(ExperimentConfig.self, from: Data(contentsOf: run.appendingPathComponent("config.json")))
  }

  @Test func resnet20RunsEndToEnd() throws {
    let dir = try CLITest.directory("ib-resnet")
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = dir.appendingPathComponent("run")
    let arguments = [
      "ib", "--dataset", "shapes-color", "--model", "resnet20", "--train-samples", "200", "--test-samples", "150",
      "--epochs", "2", "--batch-size", "50", "--x-compressor", "pca", "--out", run.path, "--quiet",
    ]
    #expect(CLITest.status(arguments) == 0)
    let rows = try Self.rows(run)
    let layers = ["stem"] + (1...9).map { "block\($0)" } + ["head", "softmax"]
    #expect(rows.count == 2 * layers.count)
    #expect(Array(rows.prefix(layers.count).map { $0[1] }) == layers)
    // Every estimate is a number; I(L;Y) of every layer stays within H(Y) ≤ ln 10 plus its error.
    for row in rows {
      let (ixl, ily, ilySE) = (Double(row[2]) ?? .nan, Double(row[4]) ?? .nan, Double(row[5]) ?? .nan)
      #expect(ixl.isFinite && ily.isFinite)
      #expect(ily <= log(10) + 3 * ilySE + 0.05, "\(row)")
    }
    let config = try Self.config(run)
    #expect(config.model == .resnet20 && config.dataset == .shapesColor)
    // The report names the ResNet's layers; the run resumes with the model it recorded.
    let report = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.contains("block9") && report.contains("resnet20"))
    var resumed = arguments
    resumed[resumed.firstIndex(of: "2")!] = "3"
    #expect(CLITest.status(resumed.filter { $0 != "--model" && $0 != "resnet20" } + ["--resume"]) == 2)
    #expect(CLITest.status(resumed + ["--resume"]) == 0)
    #expect(try Self.rows(run).count == 3 * layers.count)
  }

  @Test func cifar10FilesTrainThePapersCIFARNetwork() throws {
    let dir = try CLITest.directory("ib-cifar")
    defer { try? FileManager.default.removeItem(at: dir) }
    // Five training batches of 30 records and a test batch of 20, in the binary version's layout.
    var rng = SystemRandomNumberGenerator()
    for name in (1...5).map({ "data_batch_\($0).bin" }) + ["test_batch.bin"] {
      let count = name == "test_batch.bin" ? 20 : 30
      var bytes: [UInt8] = []
      for r in 0..<count {
        bytes.append(UInt8(r % 10))
        bytes += (0..<3072).map { _ in UInt8.random(in: 0...255, using: &rng) }
      }
      try Data(bytes).write(to: dir.appendingPathComponent(name))
    }
    let run = dir.appendingPathComponent("run")
    #expect(
      CLITest.status([
        "ib", "--dataset", "cifar10", "--data-dir", dir.path, "--eval-split", "train", "--eval-samples", "150",
        "--epochs", "1", "--batch-size", "50", "--ae-epochs", "1", "--x-latent-dim", "10", "--out", run.path,
        "--quiet",
      ]) == 0)
    let config = try Self.config(run)
    #expect(config.model == .cifarCNN && config.evaluationSplit == .train && config.inputCompressor == .ae)
    #expect(try Self.rows(run).map { $0[1] } == ["layer1", "layer2", "layer3", "layer4", "layer5", "softmax"])
    // Too few training images for the evaluation set, and a missing directory, are user errors.
    #expect(
      CLITest.fails(
        [
          "ib", "--dataset", "cifar10", "--data-dir", dir.path, "--eval-split", "train", "--eval-samples", "151",
          "--out", dir.appendingPathComponent("r2").path, "--quiet",
        ],
        saying: ["--eval-samples is 151", "training set has only 150"]))
    #expect(CLITest.fails(["ib", "--dataset", "cifar10", "--quiet"], saying: ["--data-dir"]))
  }

  @Test func presetsSetThePapersSettingsAndOptionsOverrideThem() throws {
    let cifar = try #require(
      try InfoPlaneCommand.parseAsRoot(["ib", "--preset", "paper-cifar10", "--data-dir", "/data/cifar"])
        as? IBCommand
    ).config()
    #expect(cifar.dataset == .cifar10 && cifar.model == .cifarCNN && cifar.learningRate == 1e-4)
    #expect(cifar.epochs == 50 && cifar.batchSize == 1024 && cifar.inputLatentDimension == 10)
    #expect(cifar.layerLatentDimension == 4 && cifar.evaluationSplit == .train && cifar.evaluationSamples == 50_000)
    #expect(cifar.smoothingWindow == 10 && cifar.noise == 1e-3 && cifar.noiseMode == .relative)
    let overridden = try #require(
      try InfoPlaneCommand.parseAsRoot([
        "ib", "--preset", "paper-cifar10", "--dataset", "shapes-color", "--model", "resnet20", "--epochs", "3",
        "--lr", "0.01", "--train-samples", "2000",
      ]) as? IBCommand
    ).config()
    #expect(overridden.dataset == .shapesColor && overridden.model == .resnet20 && overridden.epochs == 3)
    #expect(overridden.learningRate == 0.01 && overridden.inputLatentDimension == 10)
    #expect(overridden.evaluationSamples == 2000, "the preset's 50 000 capped at the training images asked for")
    let mnist = try #require(try InfoPlaneCommand.parseAsRoot(["ib", "--preset", "paper-mnist"]) as? IBCommand)
      .config()
    #expect(mnist.learningRate == 1e-5 && mnist.epochs == 300 && mnist.autoencoderEpochs == 200)
    #expect(mnist.evaluationSplit == .test && mnist.smoothingWindow == 30 && mnist.model == .mnistCNN)
    #expect(mnist.autoencoderFinalLearningRate == nil, "the paper's constant rate")
    let scheduled = try #require(
      try InfoPlaneCommand.parseAsRoot([
        "ib", "--preset", "paper-mnist", "--ae-epochs", "30", "--ae-final-lr", "1e-4", "--ae-batch-size", "128",
      ])
        as? IBCommand
    ).config()
    #expect(scheduled.autoencoderEpochs == 30 && scheduled.autoencoderFinalLearningRate == 1e-4)
    #expect(scheduled.autoencoderLearningRate == 1e-2 && scheduled.autoencoderBatchSize == 128)
    #expect(mnist.autoencoderBatchSize == nil, "the paper's 512")
  }

  @Test func modelsThatDoNotFitTheImagesAreNamed() throws {
    let dir = try CLITest.directory("ib-small")
    defer { try? FileManager.default.removeItem(at: dir) }
    // 10×10 grey images: too small for the MNIST CNN's three valid convolutions, fine for the 'same'-padded ones.
    let images = NPYArray(shape: [200, 10, 10], storage: .uint8((0..<20_000).map { UInt8($0 * 7 % 256) }))
    for split in ["train", "test"] {
      try NPY.write(images, to: dir.appendingPathComponent("\(split)_images.npy"))
      try NPY.write(
        NPYArray(labels: (0..<200).map { Int32($0 % 3) }), to: dir.appendingPathComponent("\(split)_labels.npy"))
    }
    let common = [
      "ib", "--dataset", "npy", "--data-dir", dir.path, "--epochs", "1", "--x-compressor", "pca", "--quiet",
    ]
    #expect(
      CLITest.fails(
        common + ["--model", "mnist-cnn", "--out", dir.appendingPathComponent("a").path],
        saying: ["--model", "mnist-cnn for 1×10×10 images"]))
    // The default for 10-pixel images is the MNIST CNN too; the autoencoder needs sides that are multiples of 4.
    #expect(CLITest.status(common + ["--model", "cifar-cnn", "--out", dir.appendingPathComponent("b").path]) == 0)
    #expect(
      CLITest.fails(
        [
          "ib", "--dataset", "npy", "--data-dir", dir.path, "--model", "cifar-cnn", "--epochs", "1", "--quiet",
          "--out", dir.appendingPathComponent("c").path,
        ],
        saying: ["--x-compressor", "pca"]))
  }
}
