import Foundation

/// One epoch's training metrics (a row of `metrics.csv`).
public struct EpochSummary: Sendable, Equatable, Codable {
  public var epoch: Int
  public var trainLoss: Double
  public var trainAccuracy: Double
  public var testLoss: Double
  public var testAccuracy: Double
  /// One-vs-one macro ROC-AUC on the test set.
  public var testROCAUC: Double
  /// Wall-clock seconds the epoch took (training, metrics and MI estimation).
  public var seconds: Double

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
