import Foundation
@_spi(Kernels) import Tensor

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
              guard let gBase = g.baseAddress, let mBase = m.baseAddress, let vBase = v.baseAddress,
                let wBase = w.baseAddress
              else { return }
              let (gp, mp, vp, wp) = (
                SendablePointer(gBase), SendablePointer(mBase), SendablePointer(vBase), SendablePointer(wBase)
              )
              // Elementwise, so the split over threads changes nothing in the result.
              parallelFor(w.count, minimumChunk: elementwiseChunk) { range in
                for i in range {
                  let gi = gp[i]
                  mp[i] = b1 * mp[i] + (1 - b1) * gi
                  vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
                  wp[i] -= stepSize * mp[i] / (vp[i].squareRoot() / rootCorrection2 + eps)
                }
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
