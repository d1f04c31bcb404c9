import Foundation
import Tensor

/// The loss functions of docs/architecture.md.
@_spi(Benchmarks) public enum LossFunction: String, Sendable, Codable, CaseIterable {
  /// Negative log-likelihood of the labels under an output of log-probabilities.
  case nll
  /// Log-softmax + NLL on logits.
  case crossEntropy
  /// Mean squared error.
  case mse
  /// Mean absolute error.
  case l1

  /// The loss of `output` against `target`.
  package func callAsFunction(_ output: Variable, _ target: TrainingTarget) -> Variable {
    switch (self, target) {
    case let (.nll, .labels(labels)): output.nllLoss(labels: labels)
    case let (.crossEntropy, .labels(labels)): output.crossEntropy(labels: labels)
    case let (.mse, .tensor(t)): output.mseLoss(target: t)
    case let (.l1, .tensor(t)): output.l1Loss(target: t)
    default: preconditionFailure("loss \(self) does not take target \(target)")
    }
  }
}
