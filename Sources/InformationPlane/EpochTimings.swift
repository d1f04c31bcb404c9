/// Where one epoch of `infoplane ib` spent its wall-clock time, in seconds.
public struct EpochTimings: Sendable, Equatable, Codable {
  /// The training epoch.
  public var training = 0.0
  /// Loss, accuracy and ROC-AUC on the training probe and the test set (the test pass also records the layers when
  /// the evaluation set is the test set).
  public var metrics = 0.0
  /// Recording the layers on the evaluation set (when it is the training set) and compressing each by PCA.
  public var activationsAndCompression = 0.0
  /// The k-NN estimates of I(X;L) and I(L;Y).
  public var estimation = 0.0
  /// Checkpoint, tables and report.
  public var writing = 0.0

  /// All zero.
  public init() {}

  /// The sum of the stages.
  public var total: Double { training + metrics + activationsAndCompression + estimation + writing }
}
