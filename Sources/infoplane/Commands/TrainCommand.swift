import ArgumentParser
import Foundation
@_spi(Benchmarks) import InfoPlane

/// `infoplane train`: trains a noisy classifier (docs/method.md §10; `--model`) on an image dataset and saves a
/// checkpoint.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a noisy classifier (the paper's MNIST or CIFAR-10 CNN, or ResNet-20) on an image dataset.",
    discussion: """
      Adam on NLL, relative Gaussian noise on every learned layer's input (on at inference too), dropout before the \
      conv blocks. Progress goes to stderr, one line per epoch with loss, accuracy, images/s and ETA. After every \
      epoch OUT/checkpoint.safetensors is replaced atomically and a row is appended to OUT/metrics.csv, so a \
      failure (e.g. a NaN loss) keeps the last good checkpoint; --resume continues from it exactly.
      Fashion-MNIST: `apt-get install dataset-fashion-mnist` (read from /usr/share/datasets/fashion-mnist).
      """
  )

  @OptionGroup(title: "Data") var data: DatasetOptions

  @Option(
    help: ArgumentHelp(
      "Classifier: mnist-cnn, cifar-cnn or resnet20 (default: mnist-cnn for images up to 28 pixels high, cifar-cnn "
        + "above).", valueName: "model"))
  var model: ClassifierArchitecture?

  @Option(help: "Training epochs.")
  var epochs = 5

  @OptionGroup(title: "Training") var network: NetworkOptions

  @Option(name: .shortAndLong, help: "Output directory for checkpoint.safetensors and metrics.csv.")
  var out = "infoplane-train"

  @Flag(help: "Continue from OUT/checkpoint.safetensors.")
  var resume = false

  @OptionGroup(title: "Output") var outputOptions: OutputOptions
  @OptionGroup(title: "Run") var runOptions: RunOptions

  func validate() throws {
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1 (got \(epochs)).") }
    try network.check()
    try data.check()
  }

  func run() throws {
    print(try output(), terminator: "")
  }

  /// Trains and returns what `run()` prints.
  func output() throws -> String {
    try runOptions.withThreads(train)
  }

  /// The dataset: --dataset, by default fashion-mnist.
  var dataset: ImageDataset { data.dataset ?? .fashionMNIST }

  private func train() throws -> String {
    let seed = runOptions.seed, quiet = outputOptions.quiet
    // A missing Fashion-MNIST directory's error names `apt-get install dataset-fashion-mnist`.
    let (trainSet, testSet) = try dataset.load(
      directory: data.dataDir, trainSamples: data.trainSamples, testSamples: data.testSamples, seed: seed)
    let inputShape = Array(trainSet.images.shape.dropFirst())
    let classes = ImageDataset.classCount(trainSet, testSet)
    let classifier = try NoisyClassifier(
      model ?? .defaultModel(forImageHeight: inputShape[1]), inputShape: inputShape, classes: classes,
      noise: Noise(network.noiseMode, sigma: network.noise), noiseAtInference: true, dropout: network.dropout,
      seed: seed)
    var trainer = Trainer(
      model: classifier.network,
      optimizer: Adam(parameters: classifier.network.namedParameters, learningRate: network.learningRate),
      lossFunction: .nll,
      seed: seed)
    let loader = try DataLoader(
      images: trainSet.images, labels: trainSet.labels, classes: classes, batchSize: network.batchSize,
      shuffle: true, seed: seed)

    let outURL = URL(fileURLWithPath: out)
    try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
    let checkpointURL = outURL.appendingPathComponent("checkpoint.safetensors")
    let metricsURL = outURL.appendingPathComponent("metrics.csv")
    if resume {
      try Checkpoint.restore(&trainer, from: checkpointURL)
    } else {
      try Data("epoch,train_loss,train_accuracy,test_loss,test_accuracy,images_per_second,seconds\n".utf8)
        .write(to: metricsURL, options: .atomic)
    }
    let metadata = [
      "dataset": dataset.rawValue, "model": classifier.architecture.rawValue, "batch_size": "\(network.batchSize)",
      "learning_rate": "\(network.learningRate)",
      "noise_sigma": "\(network.noise)",
      "dropout": "\(network.dropout)", "version": infoPlaneVersion,
    ]
    let started = Date()
    let isTTY = isatty(STDERR_FILENO) != 0
    var last: (train: EpochMetrics, test: EpochMetrics)?
    while trainer.epoch < epochs {
      let train = try trainer.trainEpoch(loader, epochs: epochs) { p in
        guard !quiet, isTTY else { return }
        let line = String(
          format: "\repoch %d/%d  step %d/%d  loss %.4f  acc %.2f %%  %.0f images/s", p.epoch, p.epochs,
          p.step, p.steps, p.loss, 100 * (p.accuracy ?? 0), p.samplesPerSecond)
        FileHandle.standardError.write(Data((line + "  ETA \(Self.clock(p.secondsRemaining)) ").utf8))
      }
      let test = try trainer.evaluate(testSet.images, labels: testSet.labels, seed: seed &+ UInt64(trainer.epoch))
      try Checkpoint.save(trainer, to: checkpointURL, metadata: metadata)
      let row = String(
        format: "%d,%.6f,%.6f,%.6f,%.6f,%.1f,%.3f\n", train.epoch, train.loss, train.accuracy ?? 0,
        test.loss, test.accuracy ?? 0, train.samplesPerSecond, train.seconds)
      let handle = try FileHandle(forWritingTo: metricsURL)
      handle.seekToEndOfFile()
      handle.write(Data(row.utf8))
      try handle.close()
      last = (train, test)
      if !quiet {
        let remaining = Double(epochs - trainer.epoch) * train.seconds
        let line = String(
          format: "epoch %d/%d  loss %.4f  acc %.2f %%  test loss %.4f  test acc %.2f %%  %.0f images/s",
          train.epoch, epochs, train.loss, 100 * (train.accuracy ?? 0), test.loss, 100 * (test.accuracy ?? 0),
          train.samplesPerSecond)
        standardError((isTTY ? "\r" : "") + line + "  ETA \(Self.clock(remaining))")
      }
    }
    let seconds = Date().timeIntervalSince(started)
    guard let (train, test) = last else {
      return
        "already trained for \(trainer.epoch) epochs (checkpoint \(checkpointURL.path)); raise --epochs to continue\n"
    }
    if outputOptions.json {
      let summary = TrainingSummary(
        dataset: dataset, epochs: train.epoch, batchSize: network.batchSize, learningRate: network.learningRate,
        noiseSigma: network.noise, dropout: network.dropout, seed: seed, version: infoPlaneVersion,
        trainLoss: train.loss, trainAccuracy: train.accuracy ?? .nan, testLoss: test.loss,
        testAccuracy: test.accuracy ?? .nan, imagesPerSecond: train.samplesPerSecond, seconds: seconds,
        checkpoint: checkpointURL.path)
      return try jsonLine(summary, pretty: true)
    }
    return String(
      format: "epochs %d  train loss %.4f  train accuracy %.4f  test loss %.4f  test accuracy %.4f\n",
      train.epoch, train.loss, train.accuracy ?? 0, test.loss, test.accuracy ?? 0)
      + "checkpoint \(checkpointURL.path)\n"

  }

  /// Seconds as m:ss or h:mm:ss.
  static func clock(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "--:--" }
    let s = Int(seconds.rounded())
    return s >= 3600
      ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }
}

extension NeuralNetworkError: UserInputError {}
