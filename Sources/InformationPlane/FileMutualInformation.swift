import Compression
import Datasets
import Estimators
import Foundation
import Tensor

/// I(X;Y) between two data files, as `infoplane estimate` computes it: read each file (or `FILE:NAME`), optionally
/// compress either side to a low-dimensional code (docs/method.md §1), estimate, and record everything needed to
/// reproduce the number (`MIEstimateRecord`). Row i of X is paired with row i of Y; values in nats.
package struct FileMutualInformation: Sendable {
  package var x: String, y: String
  /// Y holds integer class labels.
  package var labels = false
  package var estimator: MIEstimatorChoice = .ksg
  package var settings = MIEstimatorChoice.Settings()
  /// Compression of X / Y before estimating: method and code dimension (nil: the flattened samples).
  package var compressX: (method: CompressorChoice, dimension: Int)?
  package var compressY: (method: CompressorChoice, dimension: Int)?
  /// Training epochs of an `ae` compressor.
  package var autoencoderEpochs = AutoencoderTraining().epochs
  package var csvHeader: CSV.HeaderRow = .auto
  /// Also record the result in bits.
  package var inBits = false
  /// The tool version to record.
  package var version = ""

  /// Above this many dimensions per sample (without compression) the result warns and suggests compressing.
  package static let wideDimension = 20

  /// From this many n·(dx + dy) values on, the work is announced through `progress` (n = 10⁵ with 4 + 4 dimensions
  /// takes a few seconds).
  package static let announcedWork = 500_000

  package init(x: String, y: String) {
    self.x = x
    self.y = y
  }

  /// Reads, compresses and estimates. Input warnings go to `warn` as soon as they are known (before a long
  /// compression), progress lines to `progress`; both are also kept in the record's notes where they concern the
  /// result.
  /// - Throws: `DatasetsError` for unreadable files, `InformationPlaneError.unpairedRows`, `CompressionError`,
  ///   `EstimatorError`.
  package func run(progress: @escaping (String) -> Void = { _ in }, warn: (String) -> Void = { _ in }) throws
    -> MIEstimateRecord
  {
    let xArray = try ArrayFile.readArray(x, csvHeader: csvHeader)
    let yArray = try ArrayFile.readArray(y, csvHeader: csvHeader)
    let xRows = xArray.shape.first ?? 1, yRows = yArray.shape.first ?? 1
    if compressX != nil || compressY != nil, xRows != yRows {
      throw InformationPlaneError.unpairedRows(x: xRows, y: yRows)
    }
    // Features per sample of each file, as the estimator would see them without compression.
    let dx = xArray.shape.dropFirst().reduce(1, *), yColumns = yArray.shape.dropFirst().reduce(1, *)
    var inputWarnings: [String] = []
    // k-NN estimates degrade quickly with dimension (and whitening a wide variable is slow): say so up front.
    for (name, d, isCompressed, flag) in [
      ("X", dx, compressX != nil, "--compress-x"), ("Y", yColumns, compressY != nil, "--compress-y"),
    ] where !isCompressed && !(name == "Y" && labels) && estimator != .gaussian && d > Self.wideDimension {
      inputWarnings.append(
        "\(name) has \(d) dimensions per sample; k-NN estimates are biased and slow in more than about "
          + "\(Self.wideDimension) — consider \(flag) pca:4 (or ae:4) to estimate between low-dimensional codes.")
    }
    inputWarnings.forEach(warn)
    let training = AutoencoderTraining(epochs: autoencoderEpochs)
    var compression: [String: CompressionSummary] = [:]
    /// The rows of `array` as the estimator sees them: compressed, or flattened as they are.
    func samples(_ array: NPYArray, _ option: (method: CompressorChoice, dimension: Int)?, name: String, seed: UInt64)
      throws -> Matrix
    {
      guard let option else { return array.matrix() }
      let started = Date()
      let kind =
        AutoencoderTraining.isConvolutional(sampleShape: Array(array.shape.dropFirst())) ? "convolutional" : "dense"
      let (codes, summary) = try option.method.codes(
        of: array.tensor(), dimension: option.dimension, name: name, seed: seed, training: training
      ) { epoch, loss in
        guard epoch == 1 || epoch % 10 == 0 || epoch == training.epochs else { return }
        progress(
          String(
            format: "%@: %@ autoencoder epoch %d/%d  loss %.5f  (%.0f s)", name, kind, epoch, training.epochs, loss,
            Date().timeIntervalSince(started)))
      }
      compression[name.lowercased()] = summary
      return codes
    }
    // The neural bounds read uncompressed samples in their own shape (images through the critic's conv tower).
    let neural = estimator.isNeural && !labels
    let xm = neural && compressX == nil ? nil : try samples(xArray, compressX, name: "X", seed: settings.seed &+ 0xC0DE)
    // Long estimates (large n·d) say what they are doing, and how long it took.
    let codeX = xm?.columns ?? dx
    let codeY = labels ? 1 : (compressY?.dimension ?? yColumns)
    let started = Date()
    let announce = xRows * (codeX + codeY) >= Self.announcedWork
    if announce {
      progress(
        "estimating I(X;Y) with \(estimator.rawValue) on n = \(xRows) samples, dx = \(codeX), "
          + (labels ? "labels" : "dy = \(codeY)") + " …")
    }
    let estimate: Estimate
    var classes: Int?
    if labels, let xm {
      let yl = try yArray.labels()
      classes = Set(yl).count
      estimate = try estimator.estimate(xm, labels: yl, settings: settings)
    } else if neural {
      // The neural bounds train for a while: every held-out evaluation is reported.
      let xt = xm?.tensor ?? xArray.tensor()
      let yt =
        try compressY == nil
        ? yArray.tensor() : samples(yArray, compressY, name: "Y", seed: settings.seed &+ 0xC0DF).tensor
      estimate = try estimator.neuralEstimate(samples: xt, yt, settings: settings, progress: progress)
    } else if let xm {
      let ym = try samples(yArray, compressY, name: "Y", seed: settings.seed &+ 0xC0DF)
      estimate = try estimator.estimate(xm, ym, settings: settings)
    } else {
      preconditionFailure("X is read as a matrix for every estimator but the neural bounds")
    }
    if announce { progress(String(format: "done in %.1f s", Date().timeIntervalSince(started))) }
    guard estimate.value.isFinite, estimate.standardError.isFinite else {
      throw EstimatorError.nonFiniteResult(
        estimator: estimator.rawValue, value: estimate.value, standardError: estimate.standardError)
    }
    return MIEstimateRecord(
      estimate: estimate, estimator: estimator, k: estimator == .gaussian || estimator.isNeural ? nil : settings.k,
      n: xRows, dx: dx,
      dy: labels ? 1 : yColumns, labels: labels, classes: classes, seed: settings.seed,
      tieBreaking: estimator.isNeural
        ? "none"
        : estimator.isKSGType
          ? (settings.jitterKSGTies ? "jitter" : "count") : (settings.jitterEntropyTies ? "jitter" : "none"),
      standardize: estimator.isKSGType && settings.standardizeKSG,
      standardErrorRule: estimator.isEntropySum ? settings.standardErrorRule : nil,
      notes: inputWarnings + estimate.notes.map(\.description), compression: compression, inBits: inBits, x: x, y: y,
      version: version)
  }
}
