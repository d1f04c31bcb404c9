import Foundation
import Tensor

/// Updates parameters from their accumulated gradients. Conformers: `SGD`, `Adam`.
@_spi(Benchmarks) public protocol Optimizer {
  /// The step size of the next `step()`; schedules change it between epochs.
  var learningRate: Float { get set }
  /// The parameters it updates, by name.
  var parameters: [(name: String, parameter: Parameter)] { get }
  /// Applies one update from the current gradients (it does not zero them).
  mutating func step()
  /// Everything besides the parameters that a checkpoint needs to resume exactly: tensors by name, and counters.
  var state: (tensors: [String: Tensor], counters: [String: Int]) { get }
  /// Restores `state` as returned by `state`.
  /// - Throws: `NeuralNetworkError.checkpoint` when a tensor is missing or has the wrong shape.
  mutating func restore(tensors: [String: Tensor], counters: [String: Int]) throws
}

extension Optimizer {
  /// Zeroes the gradients of every parameter.
  package func zeroGradients() {
    for (_, p) in parameters { p.zeroGradient() }
  }
}

/// Looks up `name` in `tensors` with the expected shape.
func restoredTensor(_ tensors: [String: Tensor], _ name: String, shape: [Int]) throws -> Tensor {
  guard let t = tensors[name] else {
    throw NeuralNetworkError.checkpoint(path: "", reason: "optimizer tensor \(name) is missing")
  }
  guard t.shape == shape else {
    throw NeuralNetworkError.checkpoint(
      path: "", reason: "optimizer tensor \(name) has shape \(t.shape), expected \(shape)")
  }
  return t
}
