import Compression
@_spi(Benchmarks) import Datasets
import Foundation
@_spi(Benchmarks) import NeuralNetwork
@_spi(Benchmarks) import Tensor

/// The paper's main experiment (Algorithm 2, docs/method.md §10): train the docs/method.md §10.1 classifier with noise at every layer and,
/// after every epoch, estimate I(X;L) and I(L;Y) for its six recorded outputs on a fixed evaluation set; smooth the
/// series and report them. Resumable from the last complete epoch with identical results.
public struct InformationPlaneExperiment {
  /// The run's settings.
  public let config: ExperimentConfig

  /// An experiment with `config`; nothing is checked or run before `run(in:resume:events:)`.
  public init(config: ExperimentConfig) { self.config = config }

  /// What happened, for progress output.
  public enum Event {
    /// A stage before training (loading data, compressing X) finished after `seconds`.
    case stage(String, seconds: Double)
    /// An epoch finished.
    case epoch(EpochSummary, information: [LayerInformation], elapsed: Double, remaining: Double)
    /// Resuming after `completed` epochs.
    case resumed(completed: Int)
  }

  /// Layers recorded by the docs/method.md §10.1 classifier, in display order.
  public static let layerNames = MNISTClassifier.probeNames

  /// Runs (or resumes) the experiment in `directory`.
  /// - Returns: all complete epochs' metrics and MI rows.
  /// - Throws: `InformationPlaneError` for settings, `InformationPlaneError` for the run directory, dataset and network errors.
  public func run(in directory: URL, resume: Bool, events: (Event) -> Void = { _ in }) throws
    -> (metrics: [EpochSummary], information: [LayerInformation])
  {
    try config.validate()
    var clock = Date()
    func lap() -> Double {
      defer { clock = Date() }
      return Date().timeIntervalSince(clock)
    }
    // Settings of a run being resumed must match; nothing is written before the data have loaded.
    let resuming =
      resume && FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path)
    if resuming {
      let stored = try JSONDecoder().decode(ExperimentConfig.self, from: try RunStore.open(directory).config())
      guard stored.resumeKey() == config.resumeKey() else {
        throw InformationPlaneError.resumeMismatch(
          "the settings differ from \(directory.appendingPathComponent("config.json").path)")
      }
    }
    let data = try ExperimentData(config: config)
    guard config.evaluationSamples <= data.test.count else {
      throw InformationPlaneError.tooFewEvaluationSamples(
        requested: config.evaluationSamples, available: data.test.count)
    }
    // Run directory: new, or the existing one continued from its last complete epoch.
    let store: RunStore
    var metrics: [EpochSummary] = []
    var information: [LayerInformation] = []
    if resuming {
      store = try RunStore.open(directory)
      (metrics, information) = try store.load()
      try store.pruneCheckpoints(after: metrics.count, keep: 2)
      try store.write(metrics: metrics, information: information)
      events(.resumed(completed: metrics.count))
    } else {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      store = try RunStore.create(at: directory, config: try encoder.encode(config))
    }
    events(
      .stage(
        "loaded \(config.dataset.rawValue): \(data.train.count) training, \(data.test.count) test images",
        seconds: lap()))

    let evaluation = data.test.prefix(config.evaluationSamples)
    let (inputCodes, reconstructionError) = try self.inputCodes(data: data, evaluation: evaluation.images, store: store)
    events(
      .stage(
        "compressed X with \(config.inputCompressor.rawValue) to \(inputCodes.columns) dims"
          + (reconstructionError.map { String(format: ", autoencoder L1 reconstruction error %.4f", $0) } ?? ""),
        seconds: lap()))

    let classifier = MNISTClassifier(
      noise: Noise(config.noiseMode, sigma: config.noise),
      noiseAtInference: true, dropout: config.dropout, seed: config.seed &+ 11)
    var trainer = Trainer(
      model: classifier.network,
      optimizer: Adam(parameters: classifier.network.namedParameters, learningRate: config.learningRate),
      lossFunction: .nll, seed: config.seed &+ 12)
    if let last = metrics.last {
      try Checkpoint.restore(&trainer, from: store.checkpointURL(epoch: last.epoch))
    }
    let loader = try DataLoader(
      images: data.train.images, labels: data.train.labels, classes: 10,
      batchSize: config.batchSize, shuffle: true, seed: config.seed &+ 13)
    let trainProbe = data.train.prefix(min(10_000, data.train.count))
    let analysis = LayerAnalysis(
      latentDimension: config.layerLatentDimension, estimator: config.estimator, k: config.k,
      standardErrorRule: config.standardErrorRule ?? .sumOfParts)
    let smoother = TrajectorySmoother(maxWindow: config.smoothingWindow)
    let started = Date()
    let firstEpoch = metrics.count + 1
    guard firstEpoch <= config.epochs else { return (metrics, information) }
    for epoch in firstEpoch...config.epochs {
      let epochStart = Date()
      try trainer.trainEpoch(loader, epochs: config.epochs)
      let train = try trainer.evaluate(
        trainProbe.images, labels: trainProbe.labels, batchSize: 2048,
        seed: Self.seed(config.seed, 21, epoch))
      // One pass over the test set in evaluation mode (dropout off, noise on): metrics and all recorded layers.
      let outputs = try classifier.probe(data.test.images, batchSize: 2048, seed: Self.seed(config.seed, 22, epoch))
      guard let logProbabilities = outputs["layer5"], let probabilities = outputs["softmax"] else {
        preconditionFailure("the classifier always records layer5 and softmax")
      }
      let test = Self.classificationMetrics(
        logProbabilities: logProbabilities, probabilities: probabilities,
        labels: data.test.labels)
      let layers = Self.layerNames.map { name in (name: name, outputs: outputs[name]!.prefix(config.evaluationSamples))
      }
      let rows = try analysis.analyze(
        inputCodes: inputCodes, labels: evaluation.labels, layers: layers, epoch: epoch,
        seed: Self.seed(config.seed, 23, epoch))
      let summary = EpochSummary(
        epoch: epoch, trainLoss: train.loss, trainAccuracy: train.accuracy ?? .nan,
        testLoss: test.loss, testAccuracy: test.accuracy, testROCAUC: test.rocAUC,
        seconds: Date().timeIntervalSince(epochStart))
      metrics.append(summary)
      information = try LayerAnalysis.smooth(information + rows, smoother: smoother)
      // Checkpoint first, then the tables (metrics last): an epoch is complete once its metrics row exists.
      try Checkpoint.save(trainer, to: store.checkpointURL(epoch: epoch))
      try store.write(metrics: metrics, information: information)
      try store.pruneCheckpoints(after: epoch, keep: 2)
      try report(metrics: metrics, information: information, labelEntropy: Self.labelEntropy(evaluation.labels))
        .write(to: store.reportURL)
      let elapsed = Date().timeIntervalSince(started)
      let done = epoch - firstEpoch + 1
      events(
        .epoch(
          summary, information: rows, elapsed: elapsed,
          remaining: elapsed / Double(done) * Double(config.epochs - epoch)))
    }
    return (metrics, information)
  }

  /// The report of the run so far.
  package func report(metrics: [EpochSummary], information: [LayerInformation], labelEntropy: Double? = nil)
    -> HTMLReport
  {
    InformationPlaneReport.make(
      title: "Information plane — \(config.dataset.rawValue), \(metrics.count) epochs", settings: config.settingsTable,
      metrics: metrics, information: information, layerOrder: Self.layerNames, labelEntropy: labelEntropy)
  }

  /// The plug-in entropy of class labels in nats (the upper bound of I(L;Y)).
  public static func labelEntropy(_ labels: [Int32]) -> Double {
    var counts: [Int32: Int] = [:]
    for y in labels { counts[y, default: 0] += 1 }
    let n = Double(labels.count)
    return counts.values.reduce(0) { $0 - Double($1) / n * log(Double($1) / n) }
  }

  /// X̃: the evaluation images' codes, computed once per run and stored (`x_codes.npy`) so a resumed run reuses them.
  /// - Returns: the codes, and for a freshly trained autoencoder its mean absolute reconstruction error on the
  ///   evaluation images (normalised pixel units).
  private func inputCodes(data: ExperimentData, evaluation: Tensor, store: RunStore) throws
    -> (codes: Matrix, reconstructionError: Double?)
  {
    var autoencoderError: Double?
    let url = store.directory.appendingPathComponent("x_codes.npy")
    if FileManager.default.fileExists(atPath: url.path) {
      let codes = try NPY.read(contentsOf: url).matrix()
      if codes.rows == evaluation.shape[0] { return (codes, nil) }
    }
    let codes: Matrix
    switch config.inputCompressor {
    case .pca:
      let fitSet = data.train.prefix(min(10_000, data.train.count)).images
      codes = try PCA(components: config.inputLatentDimension).fit(
        fitSet.reshaped([fitSet.shape[0], -1]), seed: config.seed
      )
      .transform(evaluation.reshaped([evaluation.shape[0], -1]))
    case .none:
      throw InformationPlaneError.invalidSetting(name: "--x-compressor", value: "none", allowed: "ae or pca")
    case .ae:
      let autoencoder = MNISTAutoencoder(latent: config.inputLatentDimension, seed: config.seed &+ 31)
      let loader = try DataLoader(
        images: data.train.images, labels: data.train.labels, classes: 10, batchSize: 512,
        shuffle: true, seed: config.seed &+ 32)
      var trainer = Trainer(
        model: autoencoder.network,
        optimizer: Adam(
          parameters: autoencoder.network.namedParameters,
          learningRate: config.autoencoderLearningRate),
        lossFunction: .l1, seed: config.seed &+ 33)
      for _ in 0..<config.autoencoderEpochs { try trainer.trainEpoch(loader, epochs: config.autoencoderEpochs) }
      codes = Matrix(try autoencoder.encode(evaluation))
      let reconstruction = try autoencoder.network.outputs(for: evaluation, probing: [], batchSize: 1024)["output"]!
      autoencoderError =
        zip(reconstruction.scalars, evaluation.scalars).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) }
        / Double(max(1, evaluation.count))
    }
    // A collapsed code (e.g. saturated sigmoids) makes every I(X;L) meaningless: stop before training.
    for c in 0..<codes.columns {
      let column = codes.column(c)
      let mean = column.reduce(0, +) / Double(column.count)
      let sd = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)).squareRoot()
      if sd < 1e-4 { throw InformationPlaneError.collapsedInputCodes(column: c, standardDeviation: sd) }
    }
    try NPY.write(NPYArray(codes), to: url)
    return (codes, autoencoderError)
  }

  /// A seed for purpose `purpose` at `epoch`, independent of the others (SplitMix64 of the combination).
  static func seed(_ base: UInt64, _ purpose: UInt64, _ epoch: Int) -> UInt64 {
    var mixer = SplitMix64(seed: base ^ (purpose &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(epoch) &* 0xBF58_476D_1CE4_E5B9))
    return mixer.next()
  }

  /// NLL, accuracy and one-vs-one ROC-AUC from log-probabilities `[n, c]` and probabilities `[n, c]`.
  static func classificationMetrics(logProbabilities: Tensor, probabilities: Tensor, labels: [Int32])
    -> (loss: Double, accuracy: Double, rocAUC: Double)
  {
    let n = labels.count
    let c = logProbabilities.shape[1]
    var loss = 0.0
    var correct = 0
    let predictions = logProbabilities.argmaxRows()
    for i in 0..<n {
      loss -= Double(logProbabilities.scalars[i * c + Int(labels[i])])
      if predictions[i] == Int(labels[i]) { correct += 1 }
    }
    let auc = ROCAUC.oneVsOne(scores: probabilities.scalars.map(Double.init), classes: c, labels: labels)
    return (loss / Double(max(1, n)), Double(correct) / Double(max(1, n)), auc)
  }
}

extension InformationPlaneExperiment {
  /// Rebuilds `report.html` of the run in `run` (or writes it to `destination`) from its stored files.
  /// - Returns: where the report was written.
  /// - Throws: `InformationPlaneError.notARun` when `run` has no config.json; `.corruptTable` for unreadable tables.
  @discardableResult
  public static func rebuildReport(run: URL, to destination: URL? = nil) throws -> URL {
    let store = try RunStore.open(run)
    let config = try JSONDecoder().decode(ExperimentConfig.self, from: try store.config())
    let (metrics, information) = try store.load()
    let url = destination ?? store.reportURL
    let experiment = InformationPlaneExperiment(config: config)
    let evaluationLabels = try ExperimentData(config: config).test.labels.prefix(config.evaluationSamples)
    try experiment.report(
      metrics: metrics, information: information, labelEntropy: labelEntropy(Array(evaluationLabels))
    )
    .write(to: url)
    return url
  }
}
