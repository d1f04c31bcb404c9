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

  /// The estimators of --estimator.
  enum EstimatorName: String, CaseIterable, ExpressibleByArgument {
    case ksg, ksg2, kl, wkl
    case entropySum = "entropy-sum"
    case gaussian
  }

  @Argument(help: "Samples of X: .npy, .csv, IDX (.gz) or FILE.safetensors:NAME, one row per sample.")
  var x: String

  @Argument(help: "Samples of Y (or class labels with --labels): .npy, .csv or IDX, rows paired with X.")
  var y: String

  @Option(help: "ksg (default), ksg2, kl, wkl, entropy-sum or gaussian (with --labels: ksg, kl, wkl, entropy-sum).")
  var estimator: EstimatorName?

  @Option(name: .short, help: "Neighbours per sample for the k-NN estimators.")
  var k = 5

  @Flag(help: "Treat Y as integer class labels.")
  var labels = false

  @Option(help: "Seed of the tie-breaking jitter and of --compress-x/--compress-y.")
  var seed: UInt64 = 0

  @Flag(help: "kl/wkl/entropy-sum: do not jitter exactly repeated values (duplicates can then make k-NN entropies fail).")
  var noTieBreaking = false

  @Flag(help: "ksg/ksg2: jitter exactly repeated values (seeded) instead of counting ties by Gao et al.'s rule.")
  var jitterTies = false

  @Flag(help: "ksg/ksg2: keep the units of every column (by default each is standardised, so the estimate is scale-free).")
  var noStandardize = false

  @Flag(help: "Do not whiten the variables of the kl, wkl and entropy-sum estimators.")
  var noWhiten = false

  @OptionGroup var standardErrorOption: StandardErrorOption
  var standardErrorRule: StandardErrorRule { standardErrorOption.rule }

  @Option(name: .customLong("compress-x"), help: ArgumentHelp(
    "Compress X first: pca:N (PCA to N components) or ae:N (autoencoder with an N-wide code: convolutional for "
      + "[n, 1, S, S] images with S a power of two, dense otherwise).", valueName: "method:N"))
  var compressX: CompressionOption?

  @Option(name: .customLong("compress-y"), help: ArgumentHelp("Compress Y first, as --compress-x.", valueName: "method:N"))
  var compressY: CompressionOption?

  @Option(help: "Training epochs of an ae:N compressor (Adam, batch 100, cosine learning rate 3e-3 → 1e-4).")
  var aeEpochs = AutoencoderTraining().epochs

  @Flag(help: "Also give the result in bits (1 bit = ln 2 nats); JSON adds mi_bits and standard_error_bits.")
  var bits = false

  @Flag(help: "Print one JSON object with sorted keys instead of text.")
  var json = false

  @Option(help: "Whether a CSV file's first row holds column names: auto, present or absent.")
  var csvHeader: CSV.HeaderRow = .auto

  var resolvedEstimator: EstimatorName { estimator ?? .ksg }

  /// Whether the estimator is KSG-type (standardised, ties counted) rather than an entropy sum.
  var isKSGType: Bool { [.ksg, .ksg2].contains(resolvedEstimator) }

  func validate() throws {
    guard k >= 1 else { throw ValidationError("-k must be at least 1 (got \(k)).") }
    if labels, resolvedEstimator == .gaussian {
      throw ValidationError("--labels works with ksg, ksg2, kl, wkl and entropy-sum, not gaussian.")
    }
    if labels, compressY != nil {
      throw ValidationError("--compress-y does not apply to class labels (--labels); compress X only.")
    }
    guard aeEpochs >= 1 else { throw ValidationError("--ae-epochs must be at least 1 (got \(aeEpochs)).") }
  }

  func run() throws {
    let (text, warnings) = try output()
    for warning in warnings { standardError("warning: " + warning) }
    print(text, terminator: "")
  }

  /// What `run()` prints on stdout (text or one JSON object, ending in a newline) and the warnings for stderr.
  func output() throws -> (String, [String]) {
    let xArray = try Self.read(x, csvHeader: csvHeader)
    let yArray = try Self.read(y, csvHeader: csvHeader)
    let xRows = xArray.shape.first ?? 1, yRows = yArray.shape.first ?? 1
    if (compressX != nil || compressY != nil), xRows != yRows {
      throw InputError("X has \(xRows) samples but Y has \(yRows); rows must be paired one to one.")
    }
    // Features per sample of each file, as the estimator would see them without compression.
    let dx = xArray.shape.dropFirst().reduce(1, *), yColumns = yArray.shape.dropFirst().reduce(1, *)
    var inputWarnings: [String] = []
    // k-NN estimates degrade quickly with dimension (and whitening a wide variable is slow): say so up front, before
    // any compression or estimation.
    for (name, d, option, flag) in [("X", dx, compressX, "--compress-x"), ("Y", yColumns, compressY, "--compress-y")]
    where option == nil && !(name == "Y" && labels) && resolvedEstimator != .gaussian && d > Self.wideDimension {
      inputWarnings.append("\(name) has \(d) dimensions per sample; k-NN estimates are biased and slow in more than about "
        + "\(Self.wideDimension) — consider \(flag) pca:4 (or ae:4) to estimate between low-dimensional codes.")
    }
    for warning in inputWarnings { standardError("warning: " + warning) }
    let training = AutoencoderTraining(epochs: aeEpochs)
    var compression: [String: CompressionOption.Summary] = [:]
    /// The rows of `array` as the estimator sees them: compressed by `option`, or flattened as they are.
    func samples(_ array: NPYArray, _ option: CompressionOption?, name: String, seed: UInt64) throws -> Matrix {
      guard let option else { return array.matrix() }
      let (codes, summary) = try option.codes(of: array, name: name, seed: seed, training: training,
                                              progress: standardError)
      compression[name.lowercased()] = summary
      return codes
    }
    let xm = try samples(xArray, compressX, name: "X", seed: seed &+ 0xC0DE)
    // Long estimates (large n·d) say what they are doing on stderr, and how long it took.
    let codeY = labels ? 1 : (compressY?.dimension ?? yColumns)
    let started = Date()
    let announce = xm.rows * (xm.columns + codeY) >= Self.announcedWork
    if announce {
      standardError("estimating I(X;Y) with \(resolvedEstimator.rawValue) on n = \(xm.rows) samples, "
        + "dx = \(xm.columns), " + (labels ? "labels" : "dy = \(codeY)") + " …")
    }
    let preprocessing = isKSGType
      ? Preprocessing(breakTies: jitterTies, standardize: !noStandardize, seed: seed)
      : Preprocessing(breakTies: !noTieBreaking, standardize: false, seed: seed)
    let whiten = !noWhiten
    let estimate: Estimate
    let dy: Int
    var classes: Int?
    if labels {
      let yl = try yArray.labels()
      dy = 1
      classes = Set(yl).count
      switch resolvedEstimator {
      case .ksg, .ksg2:
        estimate = try KSGLabelMI(k: k, preprocessing: preprocessing).estimate(xm, labels: yl)
      case .kl:
        estimate = try LabelMI(entropy: KLEntropy(k: k, whiten: whiten, preprocessing: preprocessing),
                               standardErrorRule: standardErrorRule).estimate(xm, labels: yl)
      default:
        estimate = try LabelMI(entropy: WKLEntropy(k: k, whiten: whiten, preprocessing: preprocessing),
                               standardErrorRule: standardErrorRule).estimate(xm, labels: yl)
      }
    } else {
      dy = yColumns
      let ym = try samples(yArray, compressY, name: "Y", seed: seed &+ 0xC0DF)
      switch resolvedEstimator {
      case .ksg: estimate = try KSG(k: k, algorithm: .one, preprocessing: preprocessing).estimate(xm, ym)
      case .ksg2: estimate = try KSG(k: k, algorithm: .two, preprocessing: preprocessing).estimate(xm, ym)
      case .kl:
        estimate = try EntropySumMI(entropy: KLEntropy(k: k, whiten: whiten, preprocessing: preprocessing),
                                    standardErrorRule: standardErrorRule).estimate(xm, ym)
      case .wkl, .entropySum:
        estimate = try EntropySumMI(entropy: WKLEntropy(k: k, whiten: whiten, preprocessing: preprocessing),
                                    standardErrorRule: standardErrorRule).estimate(xm, ym)
      case .gaussian:
        var options = preprocessing
        options.breakTies = false  // a covariance needs no tie-breaking
        estimate = try GaussianMI(preprocessing: options).estimate(xm, ym)
      }
    }
    if announce { standardError(String(format: "done in %.1f s", Date().timeIntervalSince(started))) }
    let usesK = resolvedEstimator != .gaussian
    let warnings = estimate.notes.map(\.description)
    if json {
      var object: [String: Any] = [
        "mi": estimate.value.isFinite ? estimate.value : NSNull(),
        "standard_error": estimate.standardError.isFinite ? estimate.standardError : NSNull(),
        "unit": "nats", "estimator": resolvedEstimator.rawValue, "k": usesK ? k : NSNull(),
        "n": xm.rows, "dx": dx, "dy": dy, "labels": labels, "seed": seed,
        "tie_breaking": isKSGType ? (jitterTies ? "jitter" : "count") : (noTieBreaking ? "none" : "jitter"),
        "standardize": isKSGType && !noStandardize, "negative": estimate.isNegative,
        "flags": estimate.flags.compactMap(\.flagName),
        "notes": inputWarnings + warnings, "x": x, "y": y, "version": infoPlaneVersion,
      ]
      if let classes { object["classes"] = classes }
      if [.kl, .wkl, .entropySum].contains(resolvedEstimator) { object["standard_error_rule"] = standardErrorRule.rawValue }
      if !compression.isEmpty { object["compression"] = compression.mapValues(\.json) }
      if bits {
        object["mi_bits"] = estimate.value.isFinite ? estimate.value / log(2) : NSNull()
        object["standard_error_bits"] = estimate.standardError.isFinite ? estimate.standardError / log(2) : NSNull()
      }
      let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
      return (String(decoding: data, as: UTF8.self) + "\n", warnings)
    }
    var lines = [
      String(format: "I(X;Y) = %.6f ± %.6f nats", estimate.value, estimate.standardError)
        + (bits ? String(format: " = %.6f ± %.6f bits", estimate.value / log(2), estimate.standardError / log(2)) : ""),
      "estimator \(resolvedEstimator.rawValue)" + (usesK ? ", k = \(k)" : "") + ", n = \(xm.rows), dx = \(dx), "
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
      throw InputError("\(path) holds \(contents.arrays.count) arrays (\(names.joined(separator: ", "))); pick "
        + "one with \(path):NAME.")
    }
    return array
  }
}

