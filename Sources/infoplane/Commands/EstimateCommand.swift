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

  @OptionGroup(title: "Output") var outputOptions: OutputOptions
  @OptionGroup(title: "Run") var runOptions: RunOptions

  var estimator: MIEstimatorChoice { estimatorOptions.resolved(default: .ksg) }

  func validate() throws {
    try estimatorOptions.validate(labels: false)
    if labels, estimator == .gaussian {
      throw ValidationError("--labels works with ksg, ksg2, kl, wkl and entropy-sum, not gaussian.")
    }
    if labels, compressY != nil {
      throw ValidationError("--compress-y does not apply to class labels (--labels); compress X only.")
    }
    guard aeEpochs >= 1 else { throw ValidationError("--ae-epochs must be at least 1 (got \(aeEpochs)).") }
  }

  func run() throws {
    let (text, warnings) = try runOptions.withThreads(output)
    for warning in warnings { standardError("warning: " + warning) }
    print(text, terminator: "")
  }

  /// The estimator's settings from the flags: ties, standardisation and whitening as the user asked.
  var settings: MIEstimatorChoice.Settings {
    var settings = MIEstimatorChoice.Settings(
      k: estimatorOptions.k, seed: runOptions.seed, standardErrorRule: estimatorOptions.standardErrorRule)
    settings.whiten = !noWhiten
    settings.jitterEntropyTies = !noTieBreaking
    settings.jitterKSGTies = jitterTies
    settings.standardizeKSG = !noStandardize
    return settings
  }

  /// What `run()` prints on stdout (text or one JSON object, ending in a newline) and the warnings for stderr.
  func output() throws -> (String, [String]) {
    let xArray = try Self.read(x, csvHeader: csvHeader)
    let yArray = try Self.read(y, csvHeader: csvHeader)
    let xRows = xArray.shape.first ?? 1, yRows = yArray.shape.first ?? 1
    if compressX != nil || compressY != nil, xRows != yRows {
      throw InputError("X has \(xRows) samples but Y has \(yRows); rows must be paired one to one.")
    }
    // Features per sample of each file, as the estimator would see them without compression.
    let dx = xArray.shape.dropFirst().reduce(1, *), yColumns = yArray.shape.dropFirst().reduce(1, *)
    var inputWarnings: [String] = []
    // k-NN estimates degrade quickly with dimension (and whitening a wide variable is slow): say so up front, before
    // any compression or estimation.
    for (name, d, option, flag) in [("X", dx, compressX, "--compress-x"), ("Y", yColumns, compressY, "--compress-y")]
    where option == nil && !(name == "Y" && labels) && estimator != .gaussian && d > Self.wideDimension {
      inputWarnings.append(
        "\(name) has \(d) dimensions per sample; k-NN estimates are biased and slow in more than about "
          + "\(Self.wideDimension) — consider \(flag) pca:4 (or ae:4) to estimate between low-dimensional codes.")
    }
    for warning in inputWarnings { standardError("warning: " + warning) }
    let training = AutoencoderTraining(epochs: aeEpochs)
    var compression: [String: CompressionSummary] = [:]
    /// The rows of `array` as the estimator sees them: compressed by `option`, or flattened as they are.
    func samples(_ array: NPYArray, _ option: CompressionOption?, name: String, seed: UInt64) throws -> Matrix {
      guard let option else { return array.matrix() }
      let started = Date()
      let (codes, summary) = try option.method.codes(
        of: array.tensor(), dimension: option.dimension, name: name, seed: seed, training: training
      ) { epoch, loss in
        guard epoch == 1 || epoch % 10 == 0 || epoch == training.epochs else { return }
        outputOptions.progress(
          String(
            format: "%@: %@ autoencoder epoch %d/%d  loss %.5f  (%.0f s)", name,
            AutoencoderTraining.isConvolutional(sampleShape: Array(array.shape.dropFirst()))
              ? "convolutional" : "dense", epoch, training.epochs, loss, Date().timeIntervalSince(started)))
      }
      compression[name.lowercased()] = summary
      return codes
    }
    let xm = try samples(xArray, compressX, name: "X", seed: runOptions.seed &+ 0xC0DE)
    // Long estimates (large n·d) say what they are doing on stderr, and how long it took.
    let codeY = labels ? 1 : (compressY?.dimension ?? yColumns)
    let started = Date()
    let announce = xm.rows * (xm.columns + codeY) >= Self.announcedWork
    if announce {
      outputOptions.progress(
        "estimating I(X;Y) with \(estimator.rawValue) on n = \(xm.rows) samples, "
          + "dx = \(xm.columns), " + (labels ? "labels" : "dy = \(codeY)") + " …")
    }
    let estimate: Estimate
    var classes: Int?
    if labels {
      let yl = try yArray.labels()
      classes = Set(yl).count
      estimate = try estimator.estimate(xm, labels: yl, settings: settings)
    } else {
      let ym = try samples(yArray, compressY, name: "Y", seed: runOptions.seed &+ 0xC0DF)
      estimate = try estimator.estimate(xm, ym, settings: settings)
    }
    if announce { outputOptions.progress(String(format: "done in %.1f s", Date().timeIntervalSince(started))) }
    let k = estimator == .gaussian ? nil : estimatorOptions.k
    let dy = labels ? 1 : yColumns
    let warnings = estimate.notes.map(\.description)
    let record = MIEstimateRecord(
      estimate: estimate, estimator: estimator, k: k, n: xm.rows, dx: dx, dy: dy, labels: labels, classes: classes,
      seed: runOptions.seed,
      tieBreaking: estimator.isKSGType ? (jitterTies ? "jitter" : "count") : (noTieBreaking ? "none" : "jitter"),
      standardize: estimator.isKSGType && !noStandardize,
      standardErrorRule: estimator.isEntropySum ? estimatorOptions.standardErrorRule : nil,
      notes: inputWarnings + warnings, compression: compression, inBits: bits, x: x, y: y, version: infoPlaneVersion)
    if outputOptions.json { return (try jsonLine(record, pretty: false), warnings) }
    var lines = [
      String(format: "I(X;Y) = %.6f ± %.6f nats", estimate.value, estimate.standardError)
        + (bits ? String(format: " = %.6f ± %.6f bits", estimate.value / log(2), estimate.standardError / log(2)) : ""),
      "estimator \(estimator.rawValue)" + (k.map { ", k = \($0)" } ?? "") + ", n = \(xm.rows), dx = \(dx), "
        + (classes.map { "labels: \($0) classes" } ?? "dy = \(dy)"),
    ]
    for (name, key) in [("X", "x"), ("Y", "y")] {
      if let summary = compression[key] { lines.append("\(name) compressed: \(summary.text)") }
    }
    for flag in estimate.flags { lines.append("FLAGGED: " + flag.description) }
    if estimate.isNegative, !estimate.notes.contains(.belowZero) {
      lines.append("(negative within its error: returned unclipped; the true MI is ≥ 0)")
    }
    return (lines.joined(separator: "\n") + "\n", warnings)
  }

  /// Above this many dimensions per sample (without compression) `estimate` warns and suggests compressing.
  static let wideDimension = 20

  /// From this many n·(dx + dy) values on, `estimate` announces its work on stderr (n = 10⁵ with 4 + 4 dimensions
  /// takes a few seconds).
  static let announcedWork = 500_000

  /// The array of a data file: its only array, or for `FILE:NAME` (a file that holds several, e.g. safetensors)
  /// the one named NAME. A path that exists as it is is never split at a colon.
  static func read(_ path: String, csvHeader: CSV.HeaderRow) throws -> NPYArray {
    var file = path
    var name: String?
    if !FileManager.default.fileExists(atPath: path), let colon = path.lastIndex(of: ":"),
      FileManager.default.fileExists(atPath: String(path[..<colon]))
    {
      file = String(path[..<colon])
      name = String(path[path.index(after: colon)...])
    }
    let contents = try ArrayFile.read(contentsOf: URL(fileURLWithPath: file), csvHeader: csvHeader)
    let names = contents.arrays.map(\.name)
    if let name {
      guard let array = contents.arrays.first(where: { $0.name == name })?.array else {
        throw InputError("\(file) has no array named '\(name)'; it holds: \(names.joined(separator: ", ")).")
      }
      return array
    }
    guard contents.arrays.count == 1, let array = contents.arrays.first?.array else {
      throw InputError(
        "\(path) holds \(contents.arrays.count) arrays (\(names.joined(separator: ", "))); pick "
          + "one with \(path):NAME.")
    }
    return array
  }
}
