import Foundation
import Tensor

/// Loss and accuracy of one pass over data.
@_spi(Benchmarks) public struct EpochMetrics: Sendable, Equatable, Codable {
  /// 1-based epoch number.
  package var epoch: Int
  /// Mean loss over the samples.
  @_spi(Benchmarks) public var loss: Double
  /// Fraction of correctly classified samples (nil for non-classification losses).
  package var accuracy: Double?
  /// Samples per second of wall time.
  package var samplesPerSecond: Double
  package var seconds: Double
}
