import Foundation
import NeuralNetwork

// TEMPORARY (uncommitted): replaced by NeuralNetwork's Checkpoint once it lands.
enum ExperimentCheckpoint {
  static func save(_ trainer: Trainer, to url: URL) throws { try Data().write(to: url) }
  static func restore(_ trainer: inout Trainer, from url: URL) throws {
    throw ExperimentError.resumeMismatch("checkpoints not implemented yet")
  }
}
