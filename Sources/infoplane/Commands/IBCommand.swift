import ArgumentParser
import Foundation
import InfoPlane

/// `infoplane ib`: train the noisy classifier and record the information plane every epoch.
struct IBCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ib",
    abstract: "Train a noisy CNN classifier and record I(X;L), I(L;Y) of every layer after every epoch.",
    discussion: """
      The information-plane experiment of Butakov et al. (ICLR 2024, Algorithm 2): the MNIST classifier with \
      Gaussian noise at every learned layer's input; X is compressed once (autoencoder or PCA), each layer by PCA \
      refitted every epoch; MI in nats with k-NN estimators on the first --eval-samples test images. Writes \
      config.json, metrics.csv, mi.csv, checkpoints/ and report.html to --out, updated after every epoch; \
      --resume continues an interrupted run from its last complete epoch.
      """
  )

  @OptionGroup(title: "Data") var data: DatasetOptions

  @Option(help: "Training epochs.")
  var epochs = 30

  @OptionGroup(title: "Training") var network: NetworkOptions

  @Option(help: "Compressor for the inputs X: ae or pca.")
  var xCompressor: CompressorChoice = .ae

  @Option(help: "Code dimension of X.")
  var xLatentDim = 4

  @Option(help: "Epochs of the input autoencoder.")
  var aeEpochs = 5

  @Option(help: "Adam learning rate of the input autoencoder.")
  var aeLr: Float = 1e-2

  @Option(help: "PCA components per layer.")
  var layerLatentDim = 4

  @Option(help: "MI evaluation samples: the first N test images (default: min(10000, test images)).")
  var evalSamples: Int?

  @OptionGroup(title: "Estimator") var estimatorOptions: EstimatorOptions

  @Option(name: .shortAndLong, help: "Run directory.")
  var out = "runs/ib"

  @Flag(help: "Continue the run in --out from its last complete epoch.")
  var resume = false

  @OptionGroup(title: "Output") var outputOptions: OutputOptions
  @OptionGroup(title: "Run") var runOptions: RunOptions

  /// The run's settings. The default --eval-samples is min(10 000, test images); for npy data the test set's size is
  /// read from its labels file's header by the library.
  func config() -> ExperimentConfig {
    var c = ExperimentConfig()
    c.dataset = data.dataset ?? .shapes
    c.dataDirectory = data.dataDir
    c.trainSamples = data.trainSamples
    c.testSamples = data.testSamples
    c.epochs = epochs
    c.learningRate = network.lr
    c.batchSize = network.batchSize
    c.noise = network.noise
    c.noiseMode = network.noiseMode
    c.dropout = network.dropout
    c.inputCompressor = xCompressor
    c.inputLatentDimension = xLatentDim
    c.autoencoderEpochs = aeEpochs
    c.autoencoderLearningRate = aeLr
    c.layerLatentDimension = layerLatentDim
    c.evaluationSamples = evalSamples ?? c.defaultEvaluationSamples()
    c.estimator = estimatorOptions.resolved(default: .auto)
    c.standardErrorRule = estimatorOptions.standardErrorRule == .sumOfParts ? nil : estimatorOptions.standardErrorRule
    c.k = estimatorOptions.k
    c.seed = runOptions.seed
    c.version = infoPlaneVersion
    return c
  }

  func validate() throws {
    try estimatorOptions.checkLabelForm()
    do { try config().validate() } catch let error as InformationPlaneError { throw ValidationError(error.description) }
  }

  func run() throws {
    let experiment = InformationPlaneExperiment(config: config())
    let (metrics, _) = try runOptions.withThreads {
      try experiment.run(in: URL(fileURLWithPath: out), resume: resume) { event in
        guard !outputOptions.quiet else { return }
        switch event {
        case let .stage(text, seconds):
          standardError(String(format: "%@ (%.1f s)", text, seconds))
        case let .resumed(completed):
          standardError("resuming after epoch \(completed)")
        case let .epoch(m, rows, elapsed, remaining):
          let deep = rows.filter { $0.layer == "layer4" || $0.layer == "layer5" }
            .map { String(format: "%@ I(X;L) %.2f I(L;Y) %.2f", $0.layer, $0.ixl, $0.ily) }.joined(separator: "  ")
          standardError(
            String(
              format: "epoch %d/%d  loss %.3f/%.3f  acc %.3f/%.3f  %@  %@ elapsed, ETA %@", m.epoch, epochs,
              m.trainLoss, m.testLoss, m.trainAccuracy, m.testAccuracy, deep, duration(elapsed), duration(remaining)))
        }
      }
    }
    if outputOptions.json {
      print(try jsonLine(IBSummary(epochs: metrics.count, directory: out), pretty: true), terminator: "")
    } else {
      print("\(metrics.count) epochs in \(out): metrics.csv, mi.csv, report.html")
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
