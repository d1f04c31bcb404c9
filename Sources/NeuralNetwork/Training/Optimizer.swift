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

/// Adam (Kingma & Ba 2015) as PyTorch implements it: bias-corrected moments, w ← w − lr/(1−β₁ᵗ) · m/(√v/√(1−β₂ᵗ) + ε).
@_spi(Benchmarks) public struct Adam: Optimizer {
  /// The parameters it updates, by name.
  @_spi(Benchmarks) public let parameters: [(name: String, parameter: Parameter)]
  /// Step size lr of the next `step()`.
  @_spi(Benchmarks) public var learningRate: Float
  package var beta1: Float
  package var beta2: Float
  package var epsilon: Float
  /// Updates taken so far (t).
  package private(set) var steps = 0
  private var firstMoment: [[Float]]
  private var secondMoment: [[Float]]

  /// Adam over `parameters` with step size `learningRate`, moment decay rates `beta1`, `beta2` and `epsilon`
  /// (PyTorch's defaults); moments start at zero.
  @_spi(Benchmarks) public init(
    parameters: [(name: String, parameter: Parameter)], learningRate: Float = 1e-3, beta1: Float = 0.9,
    beta2: Float = 0.999, epsilon: Float = 1e-8
  ) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    firstMoment = parameters.map { [Float](repeating: 0, count: $0.parameter.value.count) }
    secondMoment = firstMoment
  }

  /// One bias-corrected Adam update of every parameter from the current gradients (it does not zero them);
  /// t grows by 1.
  @_spi(Benchmarks) public mutating func step() {
    steps += 1
    let t = Double(steps)
    let correction1 = 1 - Foundation.pow(Double(beta1), t)
    let correction2 = 1 - Foundation.pow(Double(beta2), t)
    let stepSize = Float(Double(learningRate) / correction1)
    let rootCorrection2 = Float(correction2.squareRoot())
    let (b1, b2, eps) = (beta1, beta2, epsilon)
    for (k, (_, p)) in parameters.enumerated() {
      p.gradient.scalars.withUnsafeBufferPointer { g in
        firstMoment[k].withUnsafeMutableBufferPointer { m in
          secondMoment[k].withUnsafeMutableBufferPointer { v in
            p.value.withUnsafeMutableScalars { w in
              for i in 0..<w.count {
                let gi = g[i]
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                w[i] -= stepSize * m[i] / (v[i].squareRoot() / rootCorrection2 + eps)
              }
            }
          }
        }
      }
    }
  }

  /// The moments as `adam.m.<name>` and `adam.v.<name>` tensors, and the step count t as `adam.steps`.
  @_spi(Benchmarks) public var state: (tensors: [String: Tensor], counters: [String: Int]) {
    var tensors: [String: Tensor] = [:]
    for (k, (name, p)) in parameters.enumerated() {
      tensors["adam.m.\(name)"] = Tensor(shape: p.shape, scalars: firstMoment[k])
      tensors["adam.v.\(name)"] = Tensor(shape: p.shape, scalars: secondMoment[k])
    }
    return (tensors, ["adam.steps": steps])
  }

  /// Restores the moments and step count saved by `state`.
  /// - Throws: `NeuralNetworkError.checkpoint` when a tensor is missing or misshapen, or the step count is missing.
  @_spi(Benchmarks) public mutating func restore(tensors: [String: Tensor], counters: [String: Int]) throws {
    for (k, (name, p)) in parameters.enumerated() {
      firstMoment[k] = try restoredTensor(tensors, "adam.m.\(name)", shape: p.shape).scalars
      secondMoment[k] = try restoredTensor(tensors, "adam.v.\(name)", shape: p.shape).scalars
    }
    guard let steps = counters["adam.steps"], steps >= 0 else {
      throw NeuralNetworkError.checkpoint(path: "", reason: "the Adam step counter is missing")
    }
    self.steps = steps
  }
}
