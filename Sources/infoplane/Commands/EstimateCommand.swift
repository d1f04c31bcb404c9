import ArgumentParser
import Foundation
import InfoPlane

/// `infoplane estimate X Y`: the mutual information between two data files, in nats, with its standard error.
struct EstimateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "estimate",
    abstract: "Estimate the mutual information I(X;Y) between two data files, in nats.",
    discussion: """
      X and Y are .npy or .csv files (any format `inspect` reads) with one sample per row; row i of X is paired \
      with row i of Y. Higher-rank arrays are flattened per sample. With --labels, Y holds integer class labels \
      and the default estimator is Ross's nearest-neighbour estimator for continuous–discrete pairs (ksg); kl, \
      wkl and entropy-sum give the paper's I(X;Y) = H(X) − Σ p(y)·H(X|y). Estimators: ksg and ksg2 \
      (Kraskov et al. 2004, algorithms 1 and 2, max-norm; columns standardised and exact ties counted by Gao et \
      al.'s rule), kl and wkl (H(X) + H(Y) − H(X,Y) with Kozachenko–Leonenko or weighted KL entropies, whitened; \
      exact ties jittered), entropy-sum (the paper's: wkl), gaussian (closed form from log-determinants). Negative \
      estimates are printed as they are; estimates that break a bound beyond 3 standard errors (below zero, above \
      the label entropy) or rest on degenerate data are FLAGGED. For high-dimensional data, --compress-x / --compress-y estimate the \
      MI between low-dimensional codes instead (the paper's lossy compression): pca:N or ae:N, fitted on the \
      data itself and seeded by --seed.
      """
  )

  @Argument(help: "Samples of X: .npy, .csv, IDX (.gz) or FILE.safetensors:NAME, one row per sample.")
  var x: String

  @Argument(help: "Samples of Y (or class labels with --labels): .npy, .csv or IDX, rows paired with X.")
  var y: String

  @OptionGroup(title: "Estimator") var estimatorOptions: EstimatorOptions

  @Flag(help: "Treat Y as integer class labels.")
  var labels = false

  @Flag(
    help: "kl/wkl/entropy-sum: do not jitter exactly repeated values (duplicates can then make k-NN entropies fail).")
  var noTieBreaking = false

  @Flag(help: "ksg/ksg2: jitter exactly repeated values (seeded) instead of counting ties by Gao et al.'s rule.")
  var jitterTies = false

  @Flag(
    help: "ksg/ksg2: keep the units of every column (by default each is standardised, so the estimate is scale-free).")
  var noStandardize = false

  @Flag(help: "Do not whiten the variables of the kl, wkl and entropy-sum estimators.")
  var noWhiten = false

  @Option(
    name: .customLong("compress-x"),
    help: ArgumentHelp(
      "Compress X first: pca:N (PCA to N components) or ae:N (autoencoder with an N-wide code: convolutional for "
        + "[n, 1, S, S] images with S a power of two, dense otherwise).", valueName: "method:N"))
  var compressX: CompressionOption?

  @Option(
    name: .customLong("compress-y"), help: ArgumentHelp("Compress Y first, as --compress-x.", valueName: "method:N"))
  var compressY: CompressionOption?

  @Option(help: "Training epochs of an ae:N compressor (Adam, batch 100, cosine learning rate 3e-3 → 1e-4).")
  var aeEpochs = AutoencoderTraining().epochs

  @Flag(help: "Also give the result in bits (1 bit = ln 2 nats); JSON adds mi_bits and standard_error_bits.")
  var bits = false

  @Option(help: "Whether a CSV file's first row holds column names: auto, present or absent.")
  var csvHeader: CSV.HeaderRow = .auto

  @OptionGroup(title: "Neural bounds") var neuralOptions: NeuralOptions
  @OptionGroup(title: "Output") var outputOptions: OutputOptions
  @OptionGroup(title: "Run") var runOptions: RunOptions

  var estimator: MIEstimatorChoice { estimatorOptions.resolved(default: .ksg) }

  func validate() throws {
    try estimatorOptions.checkNeighbours()
    if labels, estimator == .gaussian {
      throw ValidationError("--labels works with ksg, ksg2, kl, wkl and entropy-sum, not gaussian.")
    }
    if labels, compressY != nil {
      throw ValidationError("--compress-y does not apply to class labels (--labels); compress X only.")
    }
    guard aeEpochs >= 1, aeEpochs <= ExperimentConfig.largestCount else {
      throw ValidationError("--ae-epochs must be in 1…\(ExperimentConfig.largestCount) (got \(aeEpochs)).")
    }
    // --no-tie-breaking switches off the entropy estimators' jitter only: with ksg/ksg2 it would do nothing, and a
    // user who gives it expects raw duplicates to reach the estimator.
    if noTieBreaking || noWhiten, !estimator.isEntropySum {
      throw ValidationError(
        "\(noTieBreaking ? "--no-tie-breaking" : "--no-whiten") applies to kl, wkl and entropy-sum (their tie-breaking jitter); \(estimator.rawValue) "
          + "counts exact ties by Gao et al.'s rule, or jitters them with --jitter-ties.")
    }
    try neuralOptions.check(for: estimator)
    if labels, estimator.isNeural {
      throw ValidationError("--labels works with ksg, ksg2, kl, wkl and entropy-sum, not \(estimator.rawValue).")
    }
    if jitterTies || noStandardize, !estimator.isKSGType {
      throw ValidationError(
        "\(jitterTies ? "--jitter-ties" : "--no-standardize") applies to ksg and ksg2, not \(estimator.rawValue).")
    }
  }

  func run() throws {
    let (text, warnings): (String, [String])
    do {
      (text, warnings) = try runOptions.withThreads(output)
    } catch let error as EstimatorError {
      // The estimator speaks of X and Y: name the files they came from.
      throw ValidationError("\(error) (X: \(x); Y: \(y))")
    }
    for warning in warnings { standardError("warning: " + warning) }
    print(text, terminator: "")
  }

  /// The estimation the options describe.
  var job: FileMutualInformation {
    var job = FileMutualInformation(x: x, y: y)
    job.labels = labels
    job.estimator = estimator
    job.settings = MIEstimatorChoice.Settings(
      k: estimatorOptions.k, seed: runOptions.seed, standardErrorRule: estimatorOptions.standardErrorRule)
    job.settings.whiten = !noWhiten
    job.settings.jitterEntropyTies = !noTieBreaking
    job.settings.jitterKSGTies = jitterTies
    job.settings.standardizeKSG = !noStandardize
    job.settings = neuralOptions.applied(to: job.settings)
    job.compressX = compressX.map { ($0.method, $0.dimension) }
    job.compressY = compressY.map { ($0.method, $0.dimension) }
    job.autoencoderEpochs = aeEpochs
    job.csvHeader = csvHeader
    job.inBits = bits
    job.version = infoPlaneVersion
    return job
  }

  /// What `run()` prints on stdout (text or one JSON object, ending in a newline) and the estimate's notes, which
  /// `run()` prints as warnings on stderr (input warnings go to stderr as soon as they are known).
  func output() throws -> (String, [String]) {
    let record = try job.run(progress: outputOptions.progress) { standardError("warning: " + $0) }
    let warnings = record.estimate.notes.map(\.description)
    return (outputOptions.json ? try jsonLine(record, pretty: false) : record.text, warnings)
  }
}
