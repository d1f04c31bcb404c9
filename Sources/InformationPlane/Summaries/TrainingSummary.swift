import Datasets

/// What `infoplane train --json` prints: the settings and the last epoch's metrics (losses in nats, accuracies in
/// 0…1; NaN as null). Float settings are written as the shortest decimal of the Float (1e-3, not
/// 0.0010000000474974513).
package struct TrainingSummary: Sendable, Encodable {
  let dataset: ImageDataset
  let epochs: Int, batchSize: Int
  let learningRate: Double, noiseSigma: Double, dropout: Double
  let seed: UInt64, version: String
  let trainLoss: Nullable<Double>, trainAccuracy: Nullable<Double>
  let testLoss: Nullable<Double>, testAccuracy: Nullable<Double>
  /// Training throughput of the last epoch, and wall-clock seconds of the whole command.
  let imagesPerSecond: Nullable<Double>, seconds: Nullable<Double>
  /// Path of the checkpoint written after the last epoch.
  let checkpoint: String
  let lossUnit = "nats"

  enum CodingKeys: String, CodingKey {
    case dataset, epochs
    case batchSize = "batch_size"
    case learningRate = "learning_rate"
    case noiseSigma = "noise_sigma"
    case dropout, seed, version
    case trainLoss = "train_loss"
    case trainAccuracy = "train_accuracy"
    case testLoss = "test_loss"
    case testAccuracy = "test_accuracy"
    case imagesPerSecond = "images_per_second"
    case seconds, checkpoint
    case lossUnit = "loss_unit"
  }

  package init(
    dataset: ImageDataset, epochs: Int, batchSize: Int, learningRate: Float, noiseSigma: Float, dropout: Float,
    seed: UInt64, version: String, trainLoss: Double, trainAccuracy: Double, testLoss: Double, testAccuracy: Double,
    imagesPerSecond: Double, seconds: Double, checkpoint: String
  ) {
    /// A Float as the Double with the same shortest decimal.
    func decimal(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }
    (self.dataset, self.epochs, self.batchSize) = (dataset, epochs, batchSize)
    (self.learningRate, self.noiseSigma, self.dropout) = (decimal(learningRate), decimal(noiseSigma), decimal(dropout))
    (self.seed, self.version, self.checkpoint) = (seed, version, checkpoint)
    (self.trainLoss, self.trainAccuracy) = (Nullable(finite: trainLoss), Nullable(finite: trainAccuracy))
    (self.testLoss, self.testAccuracy) = (Nullable(finite: testLoss), Nullable(finite: testAccuracy))
    (self.imagesPerSecond, self.seconds) = (Nullable(finite: imagesPerSecond), Nullable(finite: seconds))
  }
}
