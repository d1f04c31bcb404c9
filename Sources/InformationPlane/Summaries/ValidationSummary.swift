import Compression

/// What `infoplane validate --json` prints: the settings, the mean absolute errors and every point, in nats (NaN and
/// ±Inf as null), with the seconds spent per stage.
package struct ValidationSummary: Sendable, Encodable {
  /// The mean absolute error at the grid points of `--mae-at` only.
  struct ErrorAt: Sendable, Encodable {
    let mi: [Double], points: Int, compressed: Nullable<Double>, latent: Nullable<Double>
  }
  /// Seconds per stage (wall-clock, or CPU of all threads).
  struct Stages: Sendable, Encodable {
    let compressorTraining: Double, sampling: Double, compression: Double, estimation: Double
    enum CodingKeys: String, CodingKey {
      case compressorTraining = "compressor_training"
      case sampling, compression, estimation
    }
  }
  /// One point: the true MI, the compressed and the latent estimate with their standard errors, and flags.
  struct Point: Sendable, Encodable {
    let trueMI: Double, estimate: Nullable<Double>, standardError: Nullable<Double>
    let latentEstimate: Nullable<Double>, latentStandardError: Nullable<Double>, flags: [String]
    enum CodingKeys: String, CodingKey {
      case trueMI = "true_mi"
      case estimate
      case standardError = "standard_error"
      case latentEstimate = "latent_estimate"
      case latentStandardError = "latent_standard_error"
      case flags
    }
  }

  let unit = "nats"
  let task: String, compressor: CompressorChoice, estimator: MIEstimatorChoice
  let k: Int, samples: Int, seed: UInt64, version: String
  let meanAbsoluteError: Nullable<Double>, latentMeanAbsoluteError: Nullable<Double>
  let maeAt: ErrorAt
  let timings: Stages, cpu: Stages
  let points: [Point]

  enum CodingKeys: String, CodingKey {
    case unit, task, compressor, estimator, k, samples, seed, version, points
    case meanAbsoluteError = "mean_absolute_error"
    case latentMeanAbsoluteError = "latent_mean_absolute_error"
    case maeAt = "mae_at"
    case timings = "timings_seconds"
    case cpu = "cpu_seconds"
  }

  package init(
    task: String, compressor: CompressorChoice, estimator: MIEstimatorChoice, k: Int, samples: Int, seed: UInt64,
    version: String, meanAbsoluteError: Double, latentMeanAbsoluteError: Double, maeAt: [Double], maeAtPoints: Int,
    maeAtCompressed: Double, maeAtLatent: Double, timings t: SyntheticValidation.Timings,
    points: [SyntheticValidation.Point]
  ) {
    (self.task, self.compressor, self.estimator) = (task, compressor, estimator)
    (self.k, self.samples, self.seed, self.version) = (k, samples, seed, version)
    self.meanAbsoluteError = Nullable(finite: meanAbsoluteError)
    self.latentMeanAbsoluteError = Nullable(finite: latentMeanAbsoluteError)
    self.maeAt = ErrorAt(
      mi: maeAt, points: maeAtPoints, compressed: Nullable(finite: maeAtCompressed),
      latent: Nullable(finite: maeAtLatent))
    self.timings = Stages(
      compressorTraining: t.compressorTraining, sampling: t.sampling, compression: t.compression,
      estimation: t.estimation)
    self.cpu = Stages(
      compressorTraining: t.compressorTrainingCPU, sampling: t.samplingCPU, compression: t.compressionCPU,
      estimation: t.estimationCPU)
    self.points = points.map {
      Point(
        trueMI: $0.trueMI, estimate: Nullable(finite: $0.estimate), standardError: Nullable(finite: $0.standardError),
        latentEstimate: Nullable(finite: $0.latentEstimate),
        latentStandardError: Nullable(finite: $0.latentStandardError), flags: $0.flags)
    }
  }
}
