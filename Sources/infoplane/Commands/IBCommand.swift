import ArgumentParser
import Foundation
import InfoPlane

/// `infoplane ib`: train the noisy classifier and record the information plane every epoch.
struct IBCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ib",
    abstract: "Train a noisy classifier and record I(X;L), I(L;Y) of every layer after every epoch.",
    discussion: """
      The information-plane experiment of Butakov et al. (ICLR 2024, Algorithm 2): a classifier (--model: the \
      paper's MNIST or CIFAR-10 CNN, or ResNet-20) with Gaussian noise at every learned layer's (or residual \
      block's) input; X is compressed once (autoencoder or PCA), each layer by PCA refitted every epoch; MI in nats \
      with k-NN estimators on the first --eval-samples images of the evaluation split. Writes config.json, \
      metrics.csv, mi.csv, checkpoints/ and report.html to --out, updated after every epoch; --resume continues an \
      interrupted run from its last complete epoch. --preset applies the paper's settings; options given explicitly \
      override them.
      """
  )

  @Option(
    help: ArgumentHelp(
      "The paper's settings: paper-mnist or paper-cifar10 (docs/method.md §10.4); explicit options override them.",
      valueName: "preset"))
  var preset: ExperimentPreset?

  @OptionGroup(title: "Data") var data: DatasetOptions

  @Option(
    help: ArgumentHelp(
      "Classifier: mnist-cnn, cifar-cnn or resnet20 (default: mnist-cnn for images up to 28 pixels high, cifar-cnn "
        + "above).", valueName: "model"))
  var model: ClassifierArchitecture?

  @Option(help: "Training epochs (default: 30).")
  var epochs: Int?

  @OptionGroup(title: "Training") var network: NetworkOptions

  @Option(help: "Compressor for the inputs X: ae or pca.")
  var xCompressor: CompressorChoice = .ae

  @Option(help: "Code dimension of X (default: 4).")
  var xLatentDim: Int?

  @Option(help: "Epochs of the input autoencoder (default: 5).")
  var aeEpochs: Int?

  @Option(help: "Adam learning rate of the input autoencoder (default: 0.003; --preset paper-mnist: 0.01).")
  var aeLr: Float?

  @Option(
    help:
      "The input autoencoder's learning rate in its last epoch, reached by a cosine from --ae-lr (default: none, a constant rate)."
  )
  var aeFinalLr: Float?

  @Option(help: "Mini-batch size of the input autoencoder (default: 512, the paper's).")
  var aeBatchSize: Int?

  @Option(help: "PCA components per layer.")
  var layerLatentDim = 4

  @Option(help: "MI evaluation samples: the first N images of --eval-split (default: min(10000, its images)).")
  var evalSamples: Int?

  @Option(help: "The split the MI is measured on: test or train (default: test).")
  var evalSplit: EvaluationSplit?

  @Option(help: "Savitzky–Golay window cap of the smoothed trajectories (default: 30).")
  var smoothingWindow: Int?

  @OptionGroup(title: "Estimator") var estimatorOptions: EstimatorOptions

  @Option(name: .shortAndLong, help: "Run directory.")
  var out = "runs/ib"

  @Flag(help: "Continue the run in --out from its last complete epoch.")
  var resume = false

  @Flag(help: "Print each epoch's time per stage (training, metrics, layers + PCA, MI, writing) to stderr.")
  var timings = false

  @OptionGroup(title: "Output") var outputOptions: OutputOptions
  @OptionGroup(title: "Run") var runOptions: RunOptions

  /// The run's settings. The default --eval-samples is min(10 000, test images); for npy data the test set's size is
  /// read from its labels file's header by the library.
  func config() -> ExperimentConfig {
    var c = ExperimentConfig()
    var presetSamples: Int?
    if let preset {
      preset.apply(to: &c)
      presetSamples = c.evaluationSamples
    }
    if let dataset = data.dataset { c.dataset = dataset }
    c.dataDirectory = data.dataDir
    c.trainSamples = data.trainSamples
    c.testSamples = data.testSamples
    if let model { c.model = model }
    if let epochs { c.epochs = epochs }
    if let lr = network.lr { c.learningRate = lr }
    c.batchSize = network.batchSize
    c.noise = network.noise
    c.noiseMode = network.noiseMode
    c.dropout = network.dropout
    c.inputCompressor = xCompressor
    if let xLatentDim { c.inputLatentDimension = xLatentDim }
    if let aeEpochs { c.autoencoderEpochs = aeEpochs }
    if let aeLr { c.autoencoderLearningRate = aeLr }
    if let aeFinalLr { c.autoencoderFinalLearningRate = aeFinalLr }
    if let aeBatchSize { c.autoencoderBatchSize = aeBatchSize }
    c.layerLatentDimension = layerLatentDim
    if let evalSplit { c.evaluationSplit = evalSplit }
    if let smoothingWindow { c.smoothingWindow = smoothingWindow }
    // A preset's sample count holds unless fewer images are asked for; then the default for the split applies.
    c.evaluationSamples =
      evalSamples ?? presetSamples.map { c.defaultEvaluationSamples(cap: $0) } ?? c.defaultEvaluationSamples()
    c.estimator = estimatorOptions.resolved(default: .auto)
    c.standardErrorRule = estimatorOptions.standardErrorRule == .sumOfParts ? nil : estimatorOptions.standardErrorRule
    c.k = estimatorOptions.k
    c.seed = runOptions.seed
    c.version = infoPlaneVersion
    return c
  }

  func validate() throws {
    try estimatorOptions.checkLabelForm()
    try estimatorOptions.checkNotNeural("ib")
    do { try config().validate() } catch let error as InformationPlaneError { throw ValidationError(error.description) }
  }

  func run() throws {
    try OutputPath.checkDirectory(out, option: "--out")
    let experiment = InformationPlaneExperiment(config: config())
    let (metrics, _) = try runOptions.withThreads {
      try experiment.run(in: URL(fileURLWithPath: out), resume: resume) { event in
        guard !outputOptions.quiet else { return }
        Self.report(event, epochs: experiment.config.epochs, timings: timings)
      }
    }
    if outputOptions.json {
      print(try jsonLine(IBSummary(epochs: metrics.count, directory: out), pretty: true), terminator: "")
    } else {
      print("\(metrics.count) epochs in \(out): metrics.csv, mi.csv, report.html")
    }
  }

  /// Prints an experiment's progress `event` to stderr (`epochs`: the run's epoch count; `timings`: each epoch's
  /// time per stage too). `ib` and `sweep point` print the same lines.
  static func report(_ event: InformationPlaneExperiment.Event, epochs: Int, timings: Bool) {
    switch event {
    case let .stage(text, seconds):
      standardError(String(format: "%@ (%.1f s)", text, seconds))
    case let .resumed(completed):
      if completed > 0 { standardError("resuming after epoch \(completed)") }
    case let .progress(text):
      standardError(text)
    case let .epoch(m, rows, elapsed, remaining, stages):
      let deep = rows.suffix(3).prefix(2)
        .map { String(format: "%@ I(X;L) %.2f I(L;Y) %.2f", $0.layer, $0.ixl, $0.ily) }.joined(separator: "  ")
      standardError(
        String(
          format: "epoch %d/%d  loss %.3f/%.3f  acc %.3f/%.3f  %@  %@ elapsed, ETA %@", m.epoch, epochs,
          m.trainLoss, m.testLoss, m.trainAccuracy, m.testAccuracy, deep, duration(elapsed), duration(remaining)))
      if timings {
        standardError(
          String(
            format: "  epoch %d stages: training %.1f s, metrics %.1f s, layers + PCA %.1f s, MI %.1f s, "
              + "writing %.1f s", m.epoch, stages.training, stages.metrics, stages.activationsAndCompression,
            stages.estimation, stages.writing))
      }
    }
  }

  /// What `ib --json` prints.
  struct IBSummary: Encodable {
    let epochs: Int
    let directory: String
    let files = ["config.json", "metrics.csv", "mi.csv", "report.html", "checkpoints"]
  }
}

extension CompressorChoice: ExpressibleByArgument {}
extension ClassifierArchitecture: ExpressibleByArgument {}
extension ExperimentPreset: ExpressibleByArgument {}
extension EvaluationSplit: ExpressibleByArgument {}
