import Compression
import Datasets
import Estimators
import Foundation
import Tensor

/// The synthetic benchmark with known MI (the paper's Algorithm 1, docs/method.md §8): fit a compressor once on
/// independent samples of the task, then for each MI value draw a fresh sample, compress both sides, estimate, and
/// compare with the truth — and with the same estimator on the uncompressed latent parameters.
package struct SyntheticValidation: Sendable {
  package var task: SyntheticTask
  package var compressor: CompressorChoice
  /// Code dimension per side (default: the task's intrinsic dimension).
  package var latentDimension: Int
  package var estimator: MIEstimatorChoice
  package var k: Int
  /// Samples per MI value.
  package var samples: Int
  /// Independent samples the compressor is fitted on (the paper: 6000).
  package var trainingSamples: Int
  package var seed: UInt64
  /// Autoencoder training (ignored for PCA / none).
  package var autoencoder: AutoencoderTraining
  /// Standard errors of the wkl/kl estimates (default: the paper's sum of the parts' errors).
  package var standardErrorRule: StandardErrorRule
  /// The neural bounds' settings (steps, batch, learning rate, held-out share); k and the seed are set per point.
  package var neuralSettings = MIEstimatorChoice.Settings()

  package init(
    task: SyntheticTask, compressor: CompressorChoice = .pca, latentDimension: Int? = nil,
    estimator: MIEstimatorChoice? = nil, k: Int = 5, samples: Int = 5000, trainingSamples: Int = 6000,
    seed: UInt64 = 0, autoencoder: AutoencoderTraining = AutoencoderTraining(),
    standardErrorRule: StandardErrorRule = .sumOfParts
  ) {
    self.task = task
    self.compressor = compressor
    self.latentDimension = latentDimension ?? task.intrinsicDimension
    self.estimator = estimator ?? Self.defaultEstimator(codeDimension: latentDimension ?? task.intrinsicDimension)
    self.k = k
    self.samples = samples
    self.trainingSamples = trainingSamples
    self.seed = seed
    self.autoencoder = autoencoder
    self.standardErrorRule = standardErrorRule
  }

  /// The estimator used when none is named: `auto` (docs/estimator-evidence.md). Before the known-truth tables of
  /// trained-layer data this was KSG for ≤ 2-D codes and WKL above; `auto` keeps that choice for two continuous codes
  /// and adds Ross's estimator for labels and a KSG fallback for flagged WKL estimates.
  package static func defaultEstimator(codeDimension: Int) -> MIEstimatorChoice { .auto }

  /// One point of the benchmark, in nats.
  package struct Point: Sendable, Equatable, Codable {
    package var trueMI: Double
    package var estimate: Double
    package var standardError: Double
    /// The same estimator on the uncompressed f1 parameters (the paper's "coordinates" curve); NaN when the task has
    /// none (`linear-network`).
    package var latentEstimate: Double
    package var latentStandardError: Double
    /// Flags of the compressed estimate (`EstimateNote.flagName`), e.g. "below-zero".
    package var flags: [String] = []

    package init(
      trueMI: Double, estimate: Double, standardError: Double, latentEstimate: Double,
      latentStandardError: Double, flags: [String] = []
    ) {
      self.trueMI = trueMI
      self.estimate = estimate
      self.standardError = standardError
      self.latentEstimate = latentEstimate
      self.latentStandardError = latentStandardError
      self.flags = flags
    }

    init(trueMI: Double, estimate: Estimate, latent: Estimate?) {
      self.init(
        trueMI: trueMI, estimate: estimate.value, standardError: estimate.standardError,
        latentEstimate: latent?.value ?? .nan, latentStandardError: latent?.standardError ?? .nan,
        flags: estimate.flags.compactMap(\.flagName))
    }
  }

  /// Seconds spent per stage: wall-clock time, and the CPU time of the whole process (all threads) during it.
  package struct Timings: Sendable, Equatable, Codable {
    package var compressorTraining = 0.0
    package var sampling = 0.0
    package var compression = 0.0
    package var estimation = 0.0
    package var compressorTrainingCPU = 0.0
    package var samplingCPU = 0.0
    package var compressionCPU = 0.0
    package var estimationCPU = 0.0

    /// Total wall-clock seconds.
    package var total: Double { compressorTraining + sampling + compression + estimation }
    /// Total CPU seconds.
    package var totalCPU: Double { compressorTrainingCPU + samplingCPU + compressionCPU + estimationCPU }
  }

  /// CPU seconds used by this process so far, all threads.
  static func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }

  /// Checks every setting before any work starts.
  /// - Throws: `InformationPlaneError.invalidValidation` naming the problem.
  package func validate(mutualInformation values: [Double]) throws {
    guard !values.isEmpty else { throw InformationPlaneError.invalidValidation("the MI grid is empty") }
    if let bad = values.first(where: { !($0 >= 0) || !$0.isFinite }) {
      throw InformationPlaneError.invalidValidation("MI values must be finite and ≥ 0 nats (got \(bad))")
    }
    guard task.sampleShape.allSatisfy({ $0 <= 1 << 16 }) else {
      throw InformationPlaneError.invalidValidation(
        "a sample of shape \(task.sampleShape) is too large (at most 65536 per axis: image size or dimension)")
    }
    let dimension = task.sampleShape.reduce(1, *)
    if compressor != .none {
      guard latentDimension >= 1, latentDimension <= dimension else {
        throw InformationPlaneError.invalidValidation(
          "latent dimension \(latentDimension) must be between 1 and the data dimension \(dimension)")
      }
      guard trainingSamples > latentDimension else {
        throw InformationPlaneError.invalidValidation(
          "training samples (\(trainingSamples)) must exceed the latent dimension")
      }
    }
    if estimator.isNeural, task.hasLabels || task.kind == .linearNetwork {
      throw InformationPlaneError.invalidValidation(
        "the neural bound \(estimator.rawValue) needs two continuous variables; task \(task.kind.rawValue) has "
          + (task.hasLabels ? "class labels" : "a truth defined for PCA codes") + " — use ksg, kl or wkl")
    }
    guard k >= 1, k <= ExperimentConfig.largestCount else {
      throw InformationPlaneError.invalidValidation("k must be in 1…\(ExperimentConfig.largestCount) (got \(k))")
    }
    if compressor == .ae {
      do { try autoencoder.validate() } catch let CompressionError.invalidSetting(name, value, allowed) {
        throw InformationPlaneError.invalidValidation("autoencoder \(name) \(value) must be \(allowed)")
      }
    }
    // Whitened entropies need n > d, k-NN needs n > k; the label task needs > k samples in every class.
    // (The neural bounds check their own minimum, twice the batch, with their settings.)
    let minimum = max(k + 1, 2 * (compressor == .none ? dimension : latentDimension) + 2)
    guard samples >= minimum || estimator.isNeural else {
      throw InformationPlaneError.invalidValidation(
        "\(samples) samples are too few for k = \(k); use at least \(minimum)")
    }
    if [.labelMixing, .labelMixingSimplex].contains(task.kind), samples / SyntheticTask.mixingClasses <= 2 * k {
      throw InformationPlaneError.invalidValidation(
        "\(samples) samples leave too few per class of \(SyntheticTask.mixingClasses) for k = \(k); use more samples")
    }
    if task.kind == .labels, let largest = values.max() {
      // N = round(e^I) classes: more than there can be samples is an error, not an overflow.
      guard largest <= log(Double(samples)) else {
        throw InformationPlaneError.invalidValidation(
          "MI \(largest) nats needs e^\(largest) classes, more than the \(samples) samples; lower the MI or add samples"
        )
      }
      let classes = max(1, Int(exp(largest).rounded()))
      guard samples / classes > 2 * k else {
        throw InformationPlaneError.invalidValidation(
          "MI \(largest) nats needs \(classes) classes; \(samples) samples leave too few per class for k = \(k) — lower the MI or add samples"
        )
      }
    }
  }

  /// Runs the benchmark over `values` (nats).
  /// - Parameter trainingProgress: called after each autoencoder epoch with (epoch, mean training loss).
  /// - Parameter neuralProgress: a neural bound's held-out evaluations, as lines ("point 2/4, mine: step 300/3000, …").
  /// - Parameter progress: called after each point with (index, point).
  package func run(
    mutualInformation values: [Double], trainingProgress: ((Int, Double) -> Void)? = nil,
    neuralProgress: (String) -> Void = { _ in }, progress: (Int, Point) -> Void = { _, _ in }
  )
    throws -> (points: [Point], timings: Timings, notes: [String])
  {
    try validate(mutualInformation: values)
    var timings = Timings()
    var notes: [String] = []
    var clock = Date()
    var cpuClock = Self.processCPUSeconds()
    var cpu = 0.0
    func lap() -> Double {
      let now = Date()
      let nowCPU = Self.processCPUSeconds()
      defer { clock = now; cpuClock = nowCPU }
      cpu = nowCPU - cpuClock
      return now.timeIntervalSince(clock)
    }
    var rng = Xoshiro256(seed: seed)
    let model: (any CompressionModel)?
    switch compressor {
    case .none:
      model = nil
    case .pca:
      let training = try task.independentSample(count: trainingSamples, using: &rng)
      timings.sampling += lap(); timings.samplingCPU += cpu
      let pca = try PCA(components: latentDimension).fit(training, seed: seed)
      notes.append(String(format: "PCA keeps %.1f %% of the variance", 100 * pca.explainedVarianceRatio.reduce(0, +)))
      model = pca
      timings.compressorTraining += lap(); timings.compressorTrainingCPU += cpu
    case .ae:
      let training = try task.independentSample(count: trainingSamples, using: &rng)
      let heldOut = try task.independentSample(count: max(100, trainingSamples / 6), using: &rng)
      timings.sampling += lap(); timings.samplingCPU += cpu
      let fitted = try autoencoder.fit(
        training, latentDimension: latentDimension, seed: seed, progress: trainingProgress)
      notes.append(
        String(
          format:
            "Autoencoder reconstruction error (mean |x − x̂|, pixel values in [0, 1]): %.4f on the training images, "
            + "%.4f on %d held-out images", try fitted.reconstructionError(training),
          try fitted.reconstructionError(heldOut),
          heldOut.shape[0]))
      model = fitted
      timings.compressorTraining += lap(); timings.compressorTrainingCPU += cpu
    }
    var points: [Point] = []
    for (index, mi) in values.enumerated() {
      var pointRNG = Xoshiro256(seed: seed &+ 0x5EED &+ UInt64(index) &* 7919)
      let sample = try task.sample(mutualInformation: mi, count: samples, using: &pointRNG)
      timings.sampling += lap(); timings.samplingCPU += cpu
      let estimateSeed = seed &+ UInt64(index)
      let point: Point
      if task.hasLabels {
        let labels = sample.y.scalars.map { Int32($0) }
        let codes = try compressedCodes(sample.x, model)
        timings.compression += lap(); timings.compressionCPU += cpu
        let compressed = try estimator.labels(codes, labels, k: k, seed: estimateSeed, rule: standardErrorRule)
        // The uncompressed side may be out of an estimator's reach (the raw softmax simplex has a singular
        // covariance for whitened entropies): that point's latent value is NaN, noted once, not a failed run.
        let latent: Estimate?
        do {
          latent = try estimator.labels(sample.xLatent, labels, k: k, seed: estimateSeed, rule: standardErrorRule)
        } catch let error as EstimatorError {
          latent = nil
          let note =
            "The uncompressed variables could not be estimated with \(estimator.rawValue): \(error.description)"
          if !notes.contains(note) { notes.append(note) }
        }
        point = Point(trueMI: sample.mutualInformation, estimate: compressed, latent: latent)
      } else if let network = sample.linearNetwork {
        // The information-plane path: PCA refitted on this sample (as every epoch), truth from the fitted axes.
        let analysis = LayerAnalysis(latentDimension: latentDimension)
        let (cx, mx) = try analysis.compress(sample.x, seed: estimateSeed)
        let (cy, my) = try analysis.compress(sample.y, seed: estimateSeed &+ 1)
        timings.compression += lap(); timings.compressionCPU += cpu
        let truth = network.mutualInformation(
          projectingX: mx.projectionRows, rows: mx.componentCount,
          projectingL: my.projectionRows, rows: my.componentCount)
        let compressed = try estimator.continuous(cx, cy, k: k, seed: estimateSeed, rule: standardErrorRule)
        point = Point(trueMI: truth, estimate: compressed, latent: nil)
      } else if estimator.isNeural {
        // The paper's comparison: the critic reads the observed samples (images as images) or their codes.
        var settings = neuralSettings
        settings.seed = estimateSeed
        let report = { (line: String) in neuralProgress("point \(index + 1)/\(values.count), " + line) }
        let compressed: Estimate
        if let model {
          let cx = try compressedCodes(sample.x, model)
          let cy = try compressedCodes(sample.y, model)
          timings.compression += lap(); timings.compressionCPU += cpu
          compressed = try estimator.neuralEstimate(cx, cy, settings: settings, progress: report)
        } else {
          compressed = try estimator.neuralEstimate(samples: sample.x, sample.y, settings: settings, progress: report)
        }
        let latent = try MIEstimatorChoice.ksg.continuous(sample.xLatent, sample.yLatent, k: k, seed: estimateSeed)
        point = Point(trueMI: sample.mutualInformation, estimate: compressed, latent: latent)
        let note =
          "The latent column is KSG (k = \(k)) on the uncompressed latents; \(estimator.rawValue) is a lower bound."
        if !notes.contains(note) { notes.append(note) }
      } else {
        let cx = try compressedCodes(sample.x, model)
        let cy = try compressedCodes(sample.y, model)
        timings.compression += lap(); timings.compressionCPU += cpu
        let compressed = try estimator.continuous(cx, cy, k: k, seed: estimateSeed, rule: standardErrorRule)
        let latent = try estimator.continuous(
          sample.xLatent, sample.yLatent, k: k, seed: estimateSeed,
          rule: standardErrorRule)
        point = Point(trueMI: sample.mutualInformation, estimate: compressed, latent: latent)
      }
      timings.estimation += lap(); timings.estimationCPU += cpu
      points.append(point)
      progress(index, point)
    }
    return (points, timings, notes)
  }

  /// Parses an MI grid: a comma-separated list ("0,1,2.5") or a range "a:b:count" (inclusive, like linspace).
  /// - Throws: `InformationPlaneError.invalidValidation` for malformed text.
  package static func parseGrid(_ text: String) throws -> [Double] {
    let parts = text.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
    if parts.count == 3 {
      guard let a = Double(parts[0]), let b = Double(parts[1]), let count = Int(parts[2]), count >= 1 else {
        throw InformationPlaneError.invalidValidation("MI range '\(text)' must be a:b:count, e.g. 0:10:41")
      }
      return count == 1 ? [a] : (0..<count).map { a + (b - a) * Double($0) / Double(count - 1) }
    }
    let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
      throw InformationPlaneError.invalidValidation(
        "MI list '\(text)' must be numbers separated by commas, or a:b:count")
    }
    return values.map { $0! }
  }
}
