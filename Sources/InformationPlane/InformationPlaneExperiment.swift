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
    case epoch(
      EpochSummary, information: [LayerInformation], elapsed: Double, remaining: Double, timings: EpochTimings)
    /// Resuming after `completed` epochs.
    case resumed(completed: Int)
    /// How far a long stage (autoencoder training, a training epoch) has got, at most every
    /// `progressInterval` seconds.
    case progress(String)
  }

  /// Seconds between two `Event.progress` reports of one stage (30; tests set 0 to see every one).
  public var progressInterval = 30.0
  /// Bytes the run may plan for: nil for this machine's physical memory (tests set less).
  public var availableMemory: Double?

  /// Layers recorded by the docs/method.md §10.1 classifier, in display order.
  public static let layerNames = ClassifierArchitecture.mnistCNN.probeNames

  /// Images per batch of the evaluation passes (no tape): smaller for the ResNet, whose early probes are 16×32×32.
  static func evaluationBatchSize(_ model: ClassifierArchitecture) -> Int { model == .resnet20 ? 500 : 2048 }

  /// Runs (or resumes) the experiment in `directory`.
  /// - Returns: all complete epochs' metrics and MI rows.
  /// - Throws: `InformationPlaneError` for settings, `InformationPlaneError` for the run directory, dataset and network errors.
  public func run(in directory: URL, resume: Bool, events: (Event) -> Void = { _ in }) throws
    -> (metrics: [EpochSummary], information: [LayerInformation])
  {
    try self.config.validate()
    var clock = Date()
    func lap() -> Double {
      defer { clock = Date() }
      return Date().timeIntervalSince(clock)
    }
    let data = try ExperimentData(config: self.config)
    let classifier = try data.classifier(config: self.config)  // before anything is written: the model must fit
    // The run records the model it trains (the default for the images unless one was chosen).
    var config = self.config
    config.model = data.model
    // Settings of a run being resumed must match; nothing is written before the data have loaded.
    let resuming =
      resume && FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path)
    if resuming {
      var stored = try RunStore.open(directory).decodedConfig()
      stored.model = stored.model ?? data.model
      guard stored.resumeKey() == config.resumeKey() else {
        throw InformationPlaneError.resumeMismatch(
          "the settings differ from \(directory.appendingPathComponent("config.json").path)")
      }
    }
    let split = config.evaluationSplit ?? .test
    let source = data.evaluationSource(split)
    guard config.evaluationSamples <= source.count else {
      throw InformationPlaneError.tooFewEvaluationSamples(
        requested: config.evaluationSamples, available: source.count, split: split == .train ? "training" : "test")
    }
    // What the run will hold in memory, from the recorded outputs' sizes: refused before anything is written when
    // it cannot fit.
    let one = try classifier.probe(source.prefix(1).images, names: classifier.probeNames, batchSize: 1, seed: 0)
    let plan = RunPlan(
      config: config, trainImages: data.train.count, testImages: data.test.count,
      imageSize: data.inputShape.reduce(1, *), probeSizes: classifier.probeNames.map { one[$0]?.count ?? 0 })
    let memory = availableMemory ?? Double(ProcessInfo.processInfo.physicalMemory)
    try plan.check(config: config, available: memory)
    // Run directory: new, or the existing one continued from its last complete epoch.
    let store: RunStore
    var metrics: [EpochSummary] = []
    var information: [LayerInformation] = []
    if resuming {
      store = try RunStore.open(directory)
      (metrics, information) = try store.load()
      try store.pruneCheckpoints(after: metrics.count, keep: 2)
      store.removeStaleTemporaryFiles()
      try store.write(metrics: metrics, information: information)
      events(.resumed(completed: metrics.count))
    } else {
      store = try RunStore.create(at: directory, settings: config)
    }
    let shape = data.inputShape.map(String.init).joined(separator: "×")
    events(
      .stage(
        "loaded \(config.dataset.rawValue): \(data.train.count) training, \(data.test.count) test images of \(shape), "
          + "\(data.classes) classes; model \(data.model.rawValue)",
        seconds: lap()))
    events(
      .stage(
        "plan: \(config.epochs) epochs of \(plan.batchesPerEpoch) batches; memory ≈ \(RunPlan.gigabytes(plan.totalBytes)) "
          + "(\(plan.description))"
          + (plan.totalBytes > memory / 2
            ? "; WARNING: more than half of this machine's \(RunPlan.gigabytes(memory))" : ""),
        seconds: lap()))

    let evaluation = source.prefix(config.evaluationSamples)
    var experiment = InformationPlaneExperiment(config: config)
    experiment.progressInterval = progressInterval
    let (inputCodes, reconstructionError, collapsed) = try experiment.inputCodes(
      data: data, evaluation: evaluation.images, store: store, events: events)
    events(
      .stage(
        "compressed X with \(config.inputCompressor.rawValue) to \(inputCodes.columns) dims"
          + (reconstructionError.map { String(format: ", autoencoder L1 reconstruction error %.4f", $0) } ?? "")
          + (collapsed.isEmpty
            ? ""
            : "; the autoencoder's code collapsed in " + collapsed.joined(separator: ", ")
              + ", so it was trained again from a new initialisation"),
        seconds: lap()))

    var trainer = Trainer(
      model: classifier.network,
      optimizer: Adam(parameters: classifier.network.namedParameters, learningRate: config.learningRate),
      lossFunction: .nll, seed: config.seed &+ 12)
    let loader = try DataLoader(
      images: data.train.images, labels: data.train.labels, classes: data.classes,
      batchSize: config.batchSize, shuffle: true, seed: config.seed &+ 13)
    if let last = metrics.last {
      try Checkpoint.restore(
        &trainer, from: store.checkpointURL(epoch: last.epoch), batchesPerEpoch: loader.batchCount)
    }
    let trainProbe = data.train.prefix(min(10_000, data.train.count))
    let analysis = LayerAnalysis(
      latentDimension: config.layerLatentDimension, estimator: config.estimator, k: config.k,
      standardErrorRule: config.standardErrorRule ?? .sumOfParts)
    let smoother = TrajectorySmoother(maxWindow: config.smoothingWindow)
    let layerNames = classifier.probeNames
    let logits = data.model.logProbabilityProbe
    let batchSize = Self.evaluationBatchSize(data.model)
    let labelEntropy = Self.labelEntropy(evaluation.labels)
    let started = Date()
    let firstEpoch = metrics.count + 1
    guard firstEpoch <= config.epochs else { return (metrics, information) }
    for epoch in firstEpoch...config.epochs {
      let epochStart = Date()
      var timings = EpochTimings()
      var stageStart = Date()
      func stage(_ keyPath: WritableKeyPath<EpochTimings, Double>) {
        let now = Date()
        timings[keyPath: keyPath] += now.timeIntervalSince(stageStart)
        stageStart = now
      }
      var reported = Date()
      try withoutActuallyEscaping(events) { events in
        _ = try trainer.trainEpoch(loader, epochs: config.epochs) { p in
          guard Date().timeIntervalSince(reported) >= progressInterval else { return }
          reported = Date()
          events(
            .progress(
              String(
                format: "epoch %d/%d: batch %d/%d, loss %.3f, %.0f images/s", epoch, config.epochs, p.step, p.steps,
                p.loss, p.samplesPerSecond)))
        }
      }
      stage(\.training)
      let train = try trainer.evaluate(
        trainProbe.images, labels: trainProbe.labels, batchSize: batchSize,
        seed: Self.seed(config.seed, 21, epoch))
      // Evaluation mode (dropout off, noise on). The test pass gives the metrics and, when the evaluation set is the
      // test set, every recorded layer; each layer is spooled batch by batch and analysed one at a time.
      let spool = ProbeSpool(directory: store.directory.appendingPathComponent("scratch"), rows: evaluation.count)
      var logProbabilities: [Float] = []
      logProbabilities.reserveCapacity(data.test.count * data.classes)
      try classifier.forEachProbeBatch(
        data.test.images, names: split == .test ? layerNames : [logits], batchSize: batchSize,
        seed: Self.seed(config.seed, 22, epoch)
      ) { start, probes in
        logProbabilities += probes[logits]!.scalars
        if split == .test { for name in layerNames { try spool.append(name, probes[name]!, start: start) } }
      }
      stage(\.metrics)
      if split == .train {
        try classifier.forEachProbeBatch(
          evaluation.images, names: layerNames, batchSize: batchSize, seed: Self.seed(config.seed, 24, epoch)
        ) { start, probes in
          for name in layerNames { try spool.append(name, probes[name]!, start: start) }
        }
      }
      let logProbabilityTensor = Tensor(shape: [data.test.count, data.classes], scalars: logProbabilities)
      let test = Self.classificationMetrics(
        logProbabilities: logProbabilityTensor, probabilities: logProbabilityTensor.map { Foundation.exp($0) },
        labels: data.test.labels)
      stage(\.metrics)
      var rows: [LayerInformation] = []
      for (index, name) in layerNames.enumerated() {
        guard let outputs = try spool.take(name) else { continue }
        var split = (compression: 0.0, estimation: 0.0)
        rows.append(
          try analysis.analyzeLayer(
            name, outputs: outputs, index: index, inputCodes: inputCodes, labels: evaluation.labels, epoch: epoch,
            seed: Self.seed(config.seed, 23, epoch), timings: &split))
        timings.activationsAndCompression += split.compression
        timings.estimation += split.estimation
        stageStart = Date()
      }
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
      try experiment.report(metrics: metrics, information: information, labelEntropy: labelEntropy)
        .write(to: store.reportURL)
      stage(\.writing)
      let elapsed = Date().timeIntervalSince(started)
      let done = epoch - firstEpoch + 1
      events(
        .epoch(
          summary, information: rows, elapsed: elapsed,
          remaining: elapsed / Double(done) * Double(config.epochs - epoch), timings: timings))
    }
    return (metrics, information)
  }

  /// The report of the run so far.
  package func report(metrics: [EpochSummary], information: [LayerInformation], labelEntropy: Double? = nil)
    -> HTMLReport
  {
    InformationPlaneReport.make(
      title: "Information plane — \(config.dataset.rawValue), \(metrics.count) epochs", settings: config.settingsTable,
      metrics: metrics, information: information, layerOrder: (config.model ?? .mnistCNN).probeNames,
      labelEntropy: labelEntropy)
  }

  /// The plug-in entropy of class labels in nats (the upper bound of I(L;Y)).
  public static func labelEntropy(_ labels: [Int32]) -> Double {
    var counts: [Int32: Int] = [:]
    for y in labels { counts[y, default: 0] += 1 }
    let n = Double(labels.count)
    return counts.values.reduce(0) { $0 - Double($1) / n * log(Double($1) / n) }
  }

  /// X̃: the evaluation images' codes, computed once per run and stored (`x_codes.npy`) so a resumed run reuses them.
  ///
  /// An autoencoder whose code collapses (a sigmoid unit saturated on every image — seen for 2 of 5 seeds of the
  /// shapes run at the paper's lr 1e-2) is trained again from a new initialisation, derived from the seed, up to
  /// `autoencoderAttempts` times in all; the first attempt uses the run's own seeds, so runs that never collapse are
  /// unchanged.
  /// - Returns: the codes; for a freshly trained autoencoder its mean absolute reconstruction error on the
  ///   evaluation images (normalised pixel units) and the collapsed attempts before the one kept.
  private func inputCodes(data: ExperimentData, evaluation: Tensor, store: RunStore, events: (Event) -> Void) throws
    -> (codes: Matrix, reconstructionError: Double?, collapsed: [String])
  {
    let url = store.directory.appendingPathComponent("x_codes.npy")
    if FileManager.default.fileExists(atPath: url.path) {
      let codes = try NPY.read(contentsOf: url).matrix()
      if codes.rows == evaluation.shape[0] { return (codes, nil, []) }
    }
    var collapsed: [String] = []
    var curve: [[String]] = []
    for attempt in 0..<Self.autoencoderAttempts {
      let (codes, error) = try freshInputCodes(
        data: data, evaluation: evaluation, attempt: attempt, store: store, curve: &curve, events: events)
      if let (column, sd) = Self.collapsedColumn(codes) {
        guard config.inputCompressor == .ae, attempt + 1 < Self.autoencoderAttempts else {
          throw InformationPlaneError.collapsedInputCodes(column: column, standardDeviation: sd)
        }
        collapsed.append("attempt \(attempt + 1): code column \(column) has standard deviation \(sd)")
        continue
      }
      try NPY.write(NPYArray(codes), to: url)
      return (codes, error, collapsed)
    }
    preconditionFailure("the last attempt returns or throws")
  }

  /// Autoencoder trainings tried before a collapsed code is an error.
  static let autoencoderAttempts = 3

  /// The first code column whose standard deviation over the evaluation images is below 1e-4, with that deviation.
  static func collapsedColumn(_ codes: Matrix) -> (Int, Double)? {
    for c in 0..<codes.columns {
      let column = codes.column(c)
      let mean = column.reduce(0, +) / Double(column.count)
      let sd = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)).squareRoot()
      if sd < 1e-4 { return (c, sd) }
    }
    return nil
  }

  /// The codes of one compression of the evaluation images (attempt > 0: the autoencoder from other seeds).
  ///
  /// The autoencoder's learning rate follows `config`'s schedule (constant, or a cosine to
  /// `autoencoderFinalLearningRate`); after every epoch its mean absolute reconstruction error on the evaluation
  /// images (held out: never trained on) is appended to `curve` and `autoencoder.csv` is rewritten, so a long
  /// training can be watched and schedules compared. The last epoch's held-out error is the one returned.
  private func freshInputCodes(
    data: ExperimentData, evaluation: Tensor, attempt: Int, store: RunStore, curve: inout [[String]],
    events: (Event) -> Void
  ) throws -> (codes: Matrix, reconstructionError: Double?) {
    switch config.inputCompressor {
    case .pca:
      let fitSet = data.train.prefix(min(10_000, data.train.count)).images
      let codes = try PCA(components: config.inputLatentDimension).fit(
        fitSet.reshaped([fitSet.shape[0], -1]), seed: config.seed
      )
      .transform(evaluation.reshaped([evaluation.shape[0], -1]))
      return (codes, nil)
    case .none:
      throw InformationPlaneError.invalidSetting(name: "--x-compressor", value: "none", allowed: "ae or pca")
    case .ae:
      let base = attempt == 0 ? config.seed : Self.seed(config.seed, 31, attempt)
      let autoencoder: ImageAutoencoder
      do {
        autoencoder = try ImageAutoencoder(
          inputShape: data.inputShape, latent: config.inputLatentDimension, seed: base &+ 31)
      } catch let error as NeuralNetworkError {
        throw InformationPlaneError.invalidSetting(
          name: "--x-compressor", value: "ae", allowed: "pca for these images (\(error.description))")
      }
      let loader = try DataLoader(
        images: data.train.images, labels: data.train.labels, classes: data.classes,
        batchSize: config.autoencoderBatchSize ?? 512, shuffle: true, seed: base &+ 32)
      var trainer = Trainer(
        model: autoencoder.network,
        optimizer: Adam(
          parameters: autoencoder.network.namedParameters,
          learningRate: config.autoencoderLearningRate),
        lossFunction: .l1, seed: base &+ 33)
      let schedule = AutoencoderTraining(
        epochs: config.autoencoderEpochs, learningRate: config.autoencoderLearningRate,
        finalLearningRate: config.autoencoderFinalLearningRate ?? config.autoencoderLearningRate)
      let started = Date()
      var reported = started
      var heldOut = Double.nan
      for epoch in 1...config.autoencoderEpochs {
        let epochStarted = Date()
        trainer.optimizer.learningRate = schedule.learningRate(epoch: epoch - 1)
        let metrics = try trainer.trainEpoch(loader, epochs: config.autoencoderEpochs)
        heldOut = try Self.reconstructionError(of: autoencoder, on: evaluation)
        curve.append([
          "\(attempt + 1)", "\(epoch)", "\(trainer.optimizer.learningRate)", csvNumber(metrics.loss),
          csvNumber(heldOut), String(format: "%.3f", Date().timeIntervalSince(epochStarted)),
        ])
        try store.writeAutoencoderCurve(curve)
        let now = Date()
        if now.timeIntervalSince(reported) >= progressInterval, epoch < config.autoencoderEpochs {
          reported = now
          let elapsed = now.timeIntervalSince(started)
          events(
            .progress(
              String(
                format: "autoencoder epoch %d/%d, L1 loss %.4f (held out %.4f), ETA %.0f s", epoch,
                config.autoencoderEpochs, metrics.loss, heldOut,
                elapsed / Double(epoch) * Double(config.autoencoderEpochs - epoch))))
        }
      }
      return (Matrix(try autoencoder.encode(evaluation)), heldOut)
    }
  }

  /// The mean absolute difference between `images` `[n, c, h, w]` and their reconstructions by `autoencoder`
  /// (evaluation mode), in normalised pixel units.
  static func reconstructionError(of autoencoder: ImageAutoencoder, on images: Tensor) throws -> Double {
    // Batch by batch, in the order the whole-array sum took: the same value without holding every reconstruction.
    let size = images.count / max(1, images.shape[0])
    var total = 0.0
    try autoencoder.network.forEachBatch(of: images, probing: [], batchSize: 1024) { start, outputs in
      let reconstruction = outputs["output"]!.scalars
      images.scalars.withUnsafeBufferPointer { x in
        for (i, r) in reconstruction.enumerated() { total += Double(abs(r - x[start * size + i])) }
      }
    }
    return total / Double(max(1, images.count))
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
    let config = try store.decodedConfig()
    // Every complete epoch, checkpoint or not: a run shared without its checkpoints still has its tables.
    let (metrics, information) = try store.load(resumable: false)
    let url = destination ?? store.reportURL
    let experiment = InformationPlaneExperiment(config: config)
    let evaluationLabels = try ExperimentData(config: config).evaluationSource(config.evaluationSplit).labels.prefix(
      config.evaluationSamples)
    try experiment.report(
      metrics: metrics, information: information, labelEntropy: labelEntropy(Array(evaluationLabels))
    )
    .write(to: url)
    return url
  }
}
