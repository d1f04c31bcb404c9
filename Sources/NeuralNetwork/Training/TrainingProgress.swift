import Foundation
import Tensor

/// Progress of an epoch, reported after every step.
@_spi(Benchmarks) public struct TrainingProgress: Sendable {
  /// 1-based epoch and step; totals.
  package var epoch: Int, epochs: Int, step: Int, steps: Int
  /// Running mean loss and accuracy of the epoch so far.
  package var loss: Double, accuracy: Double?
  package var samplesPerSecond: Double
  /// Estimated seconds to the end of the last epoch.
  package var secondsRemaining: Double
}
