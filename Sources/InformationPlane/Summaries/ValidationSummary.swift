import Compression

/// What `infoplane validate --json` prints: the settings, the mean absolute errors and every point, in nats (NaN and
/// ±Inf as null), with the seconds spent per stage.
package struct ValidationSummary: Sendable, Encodable {
  package var task: String, compressor: CompressorChoice, estimator: MIEstimatorChoice
  package var k: Int, samples: Int, seed: UInt64, version: String
  /// Mean absolute error of the compressed estimates and of the estimates on the uncompressed latents.
  package var meanAbsoluteError: Double, latentMeanAbsoluteError: Double
  /// The error at the grid points of `maeAt` only: how many there were, and the two errors.
  package var maeAt: [Double], maeAtPoints: Int, maeAtCompressed: Double, maeAtLatent: Double
  package var timings: SyntheticValidation.Timings
  package var points: [SyntheticValidation.Point]

  package init(
    task: String, compressor: CompressorChoice, estimator: MIEstimatorChoice, k: Int, samples: Int, seed: UInt64,
    version: String, meanAbsoluteError: Double, latentMeanAbsoluteError: Double, maeAt: [Double], maeAtPoints: Int,
    maeAtCompressed: Double, maeAtLatent: Double, timings: SyntheticValidation.Timings,
    points: [SyntheticValidation.Point]
  ) {
    (self.task, self.compressor, self.estimator) = (task, compressor, estimator)
    (self.k, self.samples, self.seed, self.version) = (k, samples, seed, version)
    (self.meanAbsoluteError, self.latentMeanAbsoluteError) = (meanAbsoluteError, latentMeanAbsoluteError)
    (self.maeAt, self.maeAtPoints, self.maeAtCompressed, self.maeAtLatent) = (
      maeAt, maeAtPoints, maeAtCompressed, maeAtLatent
    )
    (self.timings, self.points) = (timings, points)
  }

  enum CodingKeys: String, CodingKey {
    case unit, task, compressor, estimator, k, samples, seed, version, points
    case meanAbsoluteError = "mean_absolute_error"
    case latentMeanAbsoluteError = "latent_mean_absolute_error"
    case maeAt = "mae_at"
    case timings = "timings_seconds"
    case cpu = "cpu_seconds"
  }
  enum MAEKeys: String, CodingKey { case mi, points, compressed, latent }
  enum StageKeys: String, CodingKey {
    case compressorTraining = "compressor_training"
    case sampling, compression, estimation
  }
  enum PointKeys: String, CodingKey {
    case trueMI = "true_mi"
    case estimate
    case standardError = "standard_error"
    case latentEstimate = "latent_estimate"
    case latentStandardError = "latent_standard_error"
    case flags
  }

  package func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode("nats", forKey: .unit)
    try c.encode(task, forKey: .task)
    try c.encode(compressor, forKey: .compressor)
    try c.encode(estimator, forKey: .estimator)
    try c.encode(k, forKey: .k)
    try c.encode(samples, forKey: .samples)
    try c.encode(seed, forKey: .seed)
    try c.encode(version, forKey: .version)
    try c.encode(finiteOrNil(meanAbsoluteError), forKey: .meanAbsoluteError)
    try c.encode(finiteOrNil(latentMeanAbsoluteError), forKey: .latentMeanAbsoluteError)
    var mae = c.nestedContainer(keyedBy: MAEKeys.self, forKey: .maeAt)
    try mae.encode(maeAt, forKey: .mi)
    try mae.encode(maeAtPoints, forKey: .points)
    try mae.encode(finiteOrNil(maeAtCompressed), forKey: .compressed)
    try mae.encode(finiteOrNil(maeAtLatent), forKey: .latent)
    let t = timings
    for (key, values) in [
      (CodingKeys.timings, [t.compressorTraining, t.sampling, t.compression, t.estimation]),
      (.cpu, [t.compressorTrainingCPU, t.samplingCPU, t.compressionCPU, t.estimationCPU]),
    ] {
      var stages = c.nestedContainer(keyedBy: StageKeys.self, forKey: key)
      for (stage, value) in zip([StageKeys.compressorTraining, .sampling, .compression, .estimation], values) {
        try stages.encode(value, forKey: stage)
      }
    }
    var list = c.nestedUnkeyedContainer(forKey: .points)
    for p in points {
      var point = list.nestedContainer(keyedBy: PointKeys.self)
      try point.encode(p.trueMI, forKey: .trueMI)
      try point.encode(finiteOrNil(p.estimate), forKey: .estimate)
      try point.encode(finiteOrNil(p.standardError), forKey: .standardError)
      try point.encode(finiteOrNil(p.latentEstimate), forKey: .latentEstimate)
      try point.encode(finiteOrNil(p.latentStandardError), forKey: .latentStandardError)
      try point.encode(p.flags, forKey: .flags)
    }
  }
}
