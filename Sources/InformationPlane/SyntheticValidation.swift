import Compression
import Datasets
import Foundation
import Tensor

/// The synthetic benchmark with known MI (the paper's Algorithm 1, METHOD.md §8): fit a compressor once on
/// independent samples of the task, then for each MI value draw a fresh sample, compress both sides, estimate, and
/// compare with the truth — and with the same estimator on the uncompressed latent parameters.
public struct SyntheticValidation: Sendable {
  /// How the observed variables are compressed before estimation.
  public enum CompressorChoice: String, Sendable, Codable, CaseIterable {
    /// Convolutional autoencoder for images, dense autoencoder for vectors.
    case ae
    /// PCA (centred, not whitened).
    case pca
    /// No compression: the observed variables as they are.
    case none
  }

  public var task: SyntheticTask
  public var compressor: CompressorChoice
  /// Code dimension per side (default: the task's intrinsic dimension).
  public var latentDimension: Int
  public var estimator: MIEstimatorChoice
  public var k: Int
  /// Samples per MI value.
  public var samples: Int
  /// Independent samples the compressor is fitted on (the paper: 6000).
  public var trainingSamples: Int
  public var seed: UInt64
  /// Autoencoder training (ignored for PCA / none).
  public var autoencoder: AutoencoderTraining

  public init(task: SyntheticTask, compressor: CompressorChoice = .pca, latentDimension: Int? = nil,
              estimator: MIEstimatorChoice = .ksg, k: Int = 5, samples: Int = 5000, trainingSamples: Int = 6000,
              seed: UInt64 = 0, autoencoder: AutoencoderTraining = AutoencoderTraining()) {
    self.task = task
    self.compressor = compressor
    self.latentDimension = latentDimension ?? task.intrinsicDimension
    self.estimator = estimator
    self.k = k
    self.samples = samples
    self.trainingSamples = trainingSamples
    self.seed = seed
    self.autoencoder = autoencoder
  }

  /// One point of the benchmark, in nats.
  public struct Point: Sendable, Equatable, Codable {
    public var trueMI: Double
    public var estimate: Double
    public var standardError: Double
    /// The same estimator on the uncompressed f1 parameters (the paper's "coordinates" curve).
    public var latentEstimate: Double
    public var latentStandardError: Double
  }

  /// Seconds spent per stage: wall-clock time, and the CPU time of the whole process (all threads) during it.
  public struct Timings: Sendable, Equatable, Codable {
    public var compressorTraining = 0.0
    public var sampling = 0.0
    public var compression = 0.0
    public var estimation = 0.0
    public var compressorTrainingCPU = 0.0
    public var samplingCPU = 0.0
    public var compressionCPU = 0.0
    public var estimationCPU = 0.0

    /// Total wall-clock seconds.
    public var total: Double { compressorTraining + sampling + compression + estimation }
    /// Total CPU seconds.
    public var totalCPU: Double { compressorTrainingCPU + samplingCPU + compressionCPU + estimationCPU }
  }

  /// CPU seconds used by this process so far, all threads.
  static func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }

  /// Checks every setting before any work starts.
  /// - Throws: `SyntheticDataError.invalidParameter` naming the problem.
  public func validate(mutualInformation values: [Double]) throws {
    guard !values.isEmpty else { throw SyntheticDataError.invalidParameter("the MI grid is empty") }
    if let bad = values.first(where: { !($0 >= 0) || !$0.isFinite }) {
      throw SyntheticDataError.invalidParameter("MI values must be finite and ≥ 0 nats (got \(bad))")
    }
    let dimension = task.sampleShape.reduce(1, *)
    if compressor != .none {
      guard latentDimension >= 1, latentDimension <= dimension else {
        throw SyntheticDataError.invalidParameter(
          "latent dimension \(latentDimension) must be between 1 and the data dimension \(dimension)")
      }
      guard trainingSamples > latentDimension else {
        throw SyntheticDataError.invalidParameter("training samples (\(trainingSamples)) must exceed the latent dimension")
      }
    }
    guard k >= 1 else { throw SyntheticDataError.invalidParameter("k must be ≥ 1 (got \(k))") }
    if compressor == .ae {
      do { try autoencoder.validate() } catch let error as CompressionError {
        throw SyntheticDataError.invalidParameter(error.description)
      }
    }
    // Whitened entropies need n > d, k-NN needs n > k; the label task needs > k samples in every class.
    let minimum = max(k + 1, 2 * (compressor == .none ? dimension : latentDimension) + 2)
    guard samples >= minimum else {
      throw SyntheticDataError.invalidParameter("\(samples) samples are too few for k = \(k); use at least \(minimum)")
    }
    if task.kind == .labels, let largest = values.max() {
      let classes = max(1, Int(exp(largest).rounded()))
      guard samples / classes > 2 * k else {
        throw SyntheticDataError.invalidParameter(
          "MI \(largest) nats needs \(classes) classes; \(samples) samples leave too few per class for k = \(k) — lower the MI or add samples")
      }
    }
  }

  /// Runs the benchmark over `values` (nats).
  /// - Parameter trainingProgress: called after each autoencoder epoch with (epoch, mean training loss).
  /// - Parameter progress: called after each point with (index, point).
  public func run(mutualInformation values: [Double], trainingProgress: ((Int, Double) -> Void)? = nil,
                  progress: (Int, Point) -> Void = { _, _ in })
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
      let fitted = try autoencoder.fit(training, latentDimension: latentDimension, seed: seed, progress: trainingProgress)
      notes.append(String(
        format: "Autoencoder reconstruction error (mean |x − x̂|, pixel values in [0, 1]): %.4f on the training images, "
          + "%.4f on %d held-out images", try fitted.reconstructionError(training), try fitted.reconstructionError(heldOut),
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
      if task.kind == .labels {
        let labels = sample.y.scalars.map { Int32($0) }
        let codes = try Self.codes(sample.x, model)
        timings.compression += lap(); timings.compressionCPU += cpu
        let compressed = try estimator.labels(codes, labels, k: k, seed: estimateSeed)
        let latent = try estimator.labels(sample.xLatent, labels, k: k, seed: estimateSeed)
        point = Point(trueMI: sample.mutualInformation, estimate: compressed.value, standardError: compressed.standardError,
                      latentEstimate: latent.value, latentStandardError: latent.standardError)
      } else {
        let cx = try Self.codes(sample.x, model)
        let cy = try Self.codes(sample.y, model)
        timings.compression += lap(); timings.compressionCPU += cpu
        let compressed = try estimator.continuous(cx, cy, k: k, seed: estimateSeed)
        let latent = try estimator.continuous(sample.xLatent, sample.yLatent, k: k, seed: estimateSeed)
        point = Point(trueMI: sample.mutualInformation, estimate: compressed.value, standardError: compressed.standardError,
                      latentEstimate: latent.value, latentStandardError: latent.standardError)
      }
      timings.estimation += lap(); timings.estimationCPU += cpu
      points.append(point)
      progress(index, point)
    }
    return (points, timings, notes)
  }

  static func codes(_ x: Tensor, _ model: (any CompressionModel)?) throws -> Matrix {
    if let model { return try model.transform(x) }
    let n = x.shape.first ?? 0
    return Matrix(rows: n, columns: n == 0 ? 0 : x.count / n, scalars: x.scalars.map(Double.init))
  }

  /// Parses an MI grid: a comma-separated list ("0,1,2.5") or a range "a:b:count" (inclusive, like linspace).
  /// - Throws: `SyntheticDataError.invalidParameter` for malformed text.
  public static func parseGrid(_ text: String) throws -> [Double] {
    let parts = text.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
    if parts.count == 3 {
      guard let a = Double(parts[0]), let b = Double(parts[1]), let count = Int(parts[2]), count >= 1 else {
        throw SyntheticDataError.invalidParameter("MI range '\(text)' must be a:b:count, e.g. 0:10:41")
      }
      return count == 1 ? [a] : (0..<count).map { a + (b - a) * Double($0) / Double(count - 1) }
    }
    let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
      throw SyntheticDataError.invalidParameter("MI list '\(text)' must be numbers separated by commas, or a:b:count")
    }
    return values.map { $0! }
  }
}
