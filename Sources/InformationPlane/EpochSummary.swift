import Foundation

/// One epoch's training metrics (a row of `metrics.csv`).
public struct EpochSummary: Sendable, Equatable, Codable {
  /// The 1-based epoch number.
  public var epoch: Int
  /// Mean negative log-likelihood per sample in nats on (up to 10 000) training images, evaluated after the
  /// epoch.
  public var trainLoss: Double
  /// Fraction in [0, 1] of those training images classified correctly.
  public var trainAccuracy: Double
  /// Mean negative log-likelihood per sample in nats on the test set.
  public var testLoss: Double
  /// Fraction in [0, 1] of the test images classified correctly.
  public var testAccuracy: Double
  /// One-vs-one macro ROC-AUC on the test set.
  public var testROCAUC: Double
  /// Wall-clock seconds the epoch took (training, metrics and MI estimation).
  public var seconds: Double

  /// A row from its values: `epoch` 1-based, losses in nats per sample, accuracies and ROC-AUC in [0, 1],
  /// `seconds` of wall-clock time.
  public init(
    epoch: Int, trainLoss: Double, trainAccuracy: Double, testLoss: Double, testAccuracy: Double,
    testROCAUC: Double, seconds: Double
  ) {
    self.epoch = epoch
    self.trainLoss = trainLoss
    self.trainAccuracy = trainAccuracy
    self.testLoss = testLoss
    self.testAccuracy = testAccuracy
    self.testROCAUC = testROCAUC
    self.seconds = seconds
  }

  static let header = [
    "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "test_roc_auc", "seconds",
  ]
  var fields: [String] {
    [String(epoch)] + [trainLoss, trainAccuracy, testLoss, testAccuracy, testROCAUC, seconds].map(csvNumber)
  }
  init(fields: [String]) throws {
    guard fields.count == Self.header.count, let epoch = Int(fields[0]) else {
      throw InformationPlaneError.corruptTable("metrics.csv")
    }
    let v = try fields.dropFirst().map { try parseNumber($0, table: "metrics.csv") }
    self.init(
      epoch: epoch, trainLoss: v[0], trainAccuracy: v[1], testLoss: v[2], testAccuracy: v[3], testROCAUC: v[4],
      seconds: v[5])
  }
}
