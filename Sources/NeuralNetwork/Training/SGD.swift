import Foundation
import Tensor

/// Stochastic gradient descent with classical momentum (PyTorch's form: v ← μ·v + g, w ← w − lr·v).
@_spi(Benchmarks) public struct SGD: Optimizer {
  /// The parameters it updates, by name.
  @_spi(Benchmarks) public let parameters: [(name: String, parameter: Parameter)]
  /// Step size lr of the next `step()`.
  @_spi(Benchmarks) public var learningRate: Float
  package var momentum: Float
  private var velocity: [[Float]]

  /// SGD over `parameters` with step size `learningRate` and momentum μ = `momentum` (0: plain SGD);
  /// velocities start at zero.
  @_spi(Benchmarks) public init(
    parameters: [(name: String, parameter: Parameter)], learningRate: Float, momentum: Float = 0
  ) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.momentum = momentum
    velocity = parameters.map { [Float](repeating: 0, count: $0.parameter.value.count) }
  }

  /// v ← μ·v + g, w ← w − lr·v for every parameter, from the current gradients (it does not zero them).
  @_spi(Benchmarks) public mutating func step() {
    let (lr, mu) = (learningRate, momentum)
    for (k, (_, p)) in parameters.enumerated() {
      p.gradient.scalars.withUnsafeBufferPointer { g in
        velocity[k].withUnsafeMutableBufferPointer { v in
          p.value.withUnsafeMutableScalars { w in
            for i in 0..<w.count {
              v[i] = mu * v[i] + g[i]
              w[i] -= lr * v[i]
            }
          }
        }
      }
    }
  }

  /// The velocities as `sgd.velocity.<name>` tensors of each parameter's shape; no counters.
  @_spi(Benchmarks) public var state: (tensors: [String: Tensor], counters: [String: Int]) {
    var tensors: [String: Tensor] = [:]
    for (k, (name, p)) in parameters.enumerated() {
      tensors["sgd.velocity.\(name)"] = Tensor(shape: p.shape, scalars: velocity[k])
    }
    return (tensors, [:])
  }

  /// Restores the velocities saved by `state`.
  /// - Throws: `NeuralNetworkError.checkpoint` when a velocity is missing or has the wrong shape.
  @_spi(Benchmarks) public mutating func restore(tensors: [String: Tensor], counters: [String: Int]) throws {
    for (k, (name, p)) in parameters.enumerated() {
      velocity[k] = try restoredTensor(tensors, "sgd.velocity.\(name)", shape: p.shape).scalars
    }
  }
}
