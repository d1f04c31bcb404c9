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

  @Option(help: ArgumentHelp("Dataset: shapes (built in), fashion-mnist, mnist, or npy (your own 28×28, 10-class data "
    + "as train_images.npy, train_labels.npy, test_images.npy, test_labels.npy in --data-dir)."))
  var dataset: ExperimentConfig.Dataset = .shapes

  @Option(help: "Directory with the IDX (or npy) files (default for fashion-mnist: /usr/share/datasets/fashion-mnist).")
  var dataDir: String?

  @Option(help: "Training images to use (default: all; shapes draws 12000).")
  var trainSamples: Int?

  @Option(help: "Test images to use (default: all; shapes draws 3000).")
  var testSamples: Int?

  @Option(help: "Training epochs.")
  var epochs = 30

  @Option(help: "Adam learning rate.")
  var lr: Float = 1e-3

  @Option(help: "Mini-batch size.")
  var batchSize = 1024

  @Option(help: "Noise σ at every learned layer's input.")
  var noise: Float = 1e-3

  @Option(help: "Noise form: relative (x·(1+σε), the paper's) or absolute (x+σε).")
  var noiseMode: ExperimentConfig.NoiseMode = .relative

  @Option(help: "Dropout before each convolution block.")
  var dropout: Float = 0.1

  @Option(help: "Compressor for the inputs X: ae or pca.")
  var xCompressor: ExperimentConfig.InputCompressor = .ae

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

  @Option(help: """
    MI estimator: auto (default: Ross's k-NN estimator for I(L;Y); the paper's WKL for I(X;L) (KSG for codes of ≤ 2 coordinates), or KSG where WKL is \
    flagged), wkl (the paper's, as published), kl, ksg or ksg2. docs/estimator-evidence.md has the measurements.
    """)
  var estimator: MIEstimatorChoice = .auto

  @OptionGroup var standardErrorOption: StandardErrorOption
  var standardErrorRule: StandardErrorRule { standardErrorOption.rule }

  @Option(name: .short, help: "Neighbours of the k-NN estimators.")
  var k = 5

  @Option(help: "Seed of every random draw.")
  var seed: UInt64 = 0

  @Option(name: .shortAndLong, help: "Run directory.")
  var out = "runs/ib"

  @Flag(help: "Continue the run in --out from its last complete epoch.")
  var resume = false

  @Flag(help: "No progress on stderr.")
  var quiet = false

  func config() -> ExperimentConfig {
    var c = ExperimentConfig()
    c.dataset = dataset
    c.dataDirectory = dataDir
    c.trainSamples = trainSamples
    c.testSamples = testSamples
    c.epochs = epochs
    c.learningRate = lr
    c.batchSize = batchSize
    c.noise = noise
    c.noiseMode = noiseMode
    c.dropout = dropout
    c.inputCompressor = xCompressor
    c.inputLatentDimension = xLatentDim
    c.autoencoderEpochs = aeEpochs
    c.autoencoderLearningRate = aeLr
    c.layerLatentDimension = layerLatentDim
    var defaultTest = dataset == .shapes ? (testSamples ?? ExperimentConfig.defaultShapesTest) : (testSamples ?? 10_000)
    if dataset == .npy, testSamples == nil, let dataDir,  // the test set's size, from its (small) labels file
      let labels = try? NPY.read(contentsOf: URL(fileURLWithPath: dataDir).appendingPathComponent("test_labels.npy")) {
      defaultTest = labels.shape.first ?? defaultTest
    }
    c.evaluationSamples = evalSamples ?? min(10_000, defaultTest)
    c.estimator = estimator
    c.standardErrorRule = standardErrorRule == .sumOfParts ? nil : standardErrorRule
    c.k = k
    c.seed = seed
    c.version = infoPlaneVersion
    return c
  }

  func validate() throws {
    do { try config().validate() } catch let error as InformationPlaneError { throw ValidationError(error.description) }
  }

  func run() throws {
    let experiment = InformationPlaneExperiment(config: config())
    let (metrics, _) = try experiment.run(in: URL(fileURLWithPath: out), resume: resume) { event in
      guard !quiet else { return }
      switch event {
      case let .stage(text, seconds):
        standardError(String(format: "%@ (%.1f s)", text, seconds))
      case let .resumed(completed):
        standardError("resuming after epoch \(completed)")
      case let .epoch(m, rows, elapsed, remaining):
        let deep = rows.filter { $0.layer == "layer4" || $0.layer == "layer5" }
          .map { String(format: "%@ I(X;L) %.2f I(L;Y) %.2f", $0.layer, $0.ixl, $0.ily) }.joined(separator: "  ")
        standardError(String(
          format: "epoch %d/%d  loss %.3f/%.3f  acc %.3f/%.3f  %@  %@ elapsed, ETA %@", m.epoch, epochs,
          m.trainLoss, m.testLoss, m.trainAccuracy, m.testAccuracy, deep, duration(elapsed), duration(remaining)))
      }
    }
    print("\(metrics.count) epochs in \(out): metrics.csv, mi.csv, report.html")
  }
}


extension ExperimentConfig.Dataset: ExpressibleByArgument {}
extension ExperimentConfig.NoiseMode: ExpressibleByArgument {}
extension ExperimentConfig.InputCompressor: ExpressibleByArgument {}
