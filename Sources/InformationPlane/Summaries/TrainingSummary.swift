import Datasets

/// What `infoplane train --json` prints: the settings and the last epoch's metrics (losses in nats, accuracies in
/// 0…1; NaN as null). Float settings are written as the shortest decimal of the Float (1e-3, not 0.0010000000474974513).
package struct TrainingSummary: Sendable, Encodable {
  package var dataset: ImageDataset
  package var epochs: Int, batchSize: Int
  package var learningRate: Float, noiseSigma: Float, dropout: Float
  package var seed: UInt64, version: String
  package var trainLoss: Double, trainAccuracy: Double, testLoss: Double, testAccuracy: Double
  /// Training throughput of the last epoch, and wall-clock seconds of the whole command.
  package var imagesPerSecond: Double, seconds: Double
  /// Path of the checkpoint written after the last epoch.
  package var checkpoint: String

  package init(
    dataset: ImageDataset, epochs: Int, batchSize: Int, learningRate: Float, noiseSigma: Float, dropout: Float,
    seed: UInt64, version: String, trainLoss: Double, trainAccuracy: Double, testLoss: Double, testAccuracy: Double,
    imagesPerSecond: Double, seconds: Double, checkpoint: String
  ) {
    (self.dataset, self.epochs, self.batchSize) = (dataset, epochs, batchSize)
    (self.learningRate, self.noiseSigma, self.dropout) = (learningRate, noiseSigma, dropout)
    (self.seed, self.version) = (seed, version)
    (self.trainLoss, self.trainAccuracy, self.testLoss, self.testAccuracy) = (
      trainLoss, trainAccuracy, testLoss, testAccuracy
    )
    (self.imagesPerSecond, self.seconds, self.checkpoint) = (imagesPerSecond, seconds, checkpoint)
  }

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

  package func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    /// A Float as the Double with the same shortest decimal.
    func decimal(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }
    try c.encode(dataset, forKey: .dataset)
    try c.encode(epochs, forKey: .epochs)
    try c.encode(batchSize, forKey: .batchSize)
    try c.encode(decimal(learningRate), forKey: .learningRate)
    try c.encode(decimal(noiseSigma), forKey: .noiseSigma)
    try c.encode(decimal(dropout), forKey: .dropout)
    try c.encode(seed, forKey: .seed)
    try c.encode(version, forKey: .version)
    try c.encode(finiteOrNil(trainLoss), forKey: .trainLoss)
    try c.encode(finiteOrNil(trainAccuracy), forKey: .trainAccuracy)
    try c.encode(finiteOrNil(testLoss), forKey: .testLoss)
    try c.encode(finiteOrNil(testAccuracy), forKey: .testAccuracy)
    try c.encode(finiteOrNil(imagesPerSecond), forKey: .imagesPerSecond)
    try c.encode(finiteOrNil(seconds), forKey: .seconds)
    try c.encode(checkpoint, forKey: .checkpoint)
    try c.encode("nats", forKey: .lossUnit)
  }
}
