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
    guard epochs >= 1, epochs <= ExperimentConfig.largestCount else {
      throw ValidationError("--epochs must be in 1…\(ExperimentConfig.largestCount) (got \(epochs)).")
    }
    try network.check()
    try data.check()
  }

  func run() throws {
    try OutputPath.checkDirectory(out, option: "--out")
    print(try output(), terminator: "")
  }

  /// The header of `metrics.csv`.
  static let metricsHeader = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,images_per_second,seconds"

  /// Before a resumed run appends to `metrics.csv`: it must be this command's table with one row per epoch
  /// 1…`epoch` (the checkpoint's); rows of later epochs (written after the checkpoint was taken, by an older run) are
  /// dropped. A missing file is started again with its header.
  /// - Throws: `ValidationError` naming the file and the line that is not a row of this table.
  static func checkMetrics(at url: URL, throughEpoch epoch: Int) throws {
    guard FileManager.default.fileExists(atPath: url.path) else {
      try Data((metricsHeader + "\n").utf8).write(to: url, options: .atomic)
      return
    }
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      throw ValidationError("\(url.path) is not text; restore it, or start a new --out.")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    guard lines.first == metricsHeader else {
      throw ValidationError(
        "\(url.path) does not start with the header of train's metrics (\(metricsHeader)); restore it, or start a "
          + "new --out.")
    }
    var kept = [metricsHeader]
    for (number, line) in lines.enumerated().dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == 7, let rowEpoch = Int(fields[0]), fields.dropFirst().allSatisfy({ Double($0) != nil })
      else {
        throw ValidationError(
          "\(url.path) line \(number + 1) is not a row of train's metrics (\(line.prefix(60))); restore the file, "
            + "or start a new --out.")
      }
      if rowEpoch <= epoch { kept.append(line) }
    }
    if kept.count != lines.count {
      try Data((kept.joined(separator: "\n") + "\n").utf8).write(to: url, options: .atomic)
    }
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
    guard trainSet.count > 0, testSet.count > 0 else {
      throw ValidationError(
        "The \(dataset.rawValue) data" + (data.dataDir.map { " in --data-dir \($0)" } ?? "")
          + " has \(trainSet.count) training and \(testSet.count) test images"
          + (dataset == .npy ? " (train_images.npy, test_images.npy)" : "")
          + "; train needs both (it reports test loss and accuracy every epoch).")
    }
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
      try Checkpoint.restore(&trainer, from: checkpointURL, batchesPerEpoch: loader.batchCount)
      try Self.checkMetrics(at: metricsURL, throughEpoch: trainer.epoch)
    } else {
      try Data((Self.metricsHeader + "\n").utf8).write(to: metricsURL, options: .atomic)
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
