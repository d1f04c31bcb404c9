import Tensor

/// Batch normalisation over the channels (axis 1) of `[N, C]` (1d) or `[N, C, H, W]` (2d), as PyTorch's
/// BatchNorm1d/2d: batch statistics in training (running stats updated with `momentum`), running stats in evaluation.
package struct BatchNorm: Layer {
  package let gamma: Parameter
  package let beta: Parameter
  /// Running mean and (unbiased) variance, `[C]` each; checkpointed as buffers.
  package let runningMean: Parameter
  package let runningVariance: Parameter
  package let momentum: Float
  package let epsilon: Float

  package init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
    precondition(features >= 1, "BatchNorm needs at least one feature")
    gamma = Parameter(Tensor(repeating: 1, shape: [features]))
    beta = Parameter(Tensor.zeros([features]))
    runningMean = Parameter(Tensor.zeros([features]))
    runningVariance = Parameter(Tensor(repeating: 1, shape: [features]))
    self.momentum = momentum
    self.epsilon = epsilon
  }

  package var features: Int { gamma.shape[0] }
  package var name: String { "BatchNorm(\(features))" }

  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.count == 1 || inputShape.count == 3, inputShape[0] == features else {
      throw NeuralNetworkError.inputShape(
        layer: name, expected: "[\(features)] or [\(features), H, W]", found: inputShape)
    }
    return inputShape
  }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    let (g, b) = (context.variable(gamma), context.variable(beta))
    guard context.isTraining else {
      return .batchNorm(
        x, gamma: g, beta: b, mean: runningMean.value.scalars, variance: runningVariance.value.scalars,
        epsilon: epsilon)
    }
    let (y, mean, variance) = Variable.batchNorm(x, gamma: g, beta: b, epsilon: epsilon)
    runningMean.value.withUnsafeMutableScalars { m in
      for c in 0..<m.count { m[c] = (1 - momentum) * m[c] + momentum * mean[c] }
    }
    runningVariance.value.withUnsafeMutableScalars { v in
      for c in 0..<v.count { v[c] = (1 - momentum) * v[c] + momentum * variance[c] }
    }
    return y
  }

  package var namedParameters: [(name: String, parameter: Parameter)] { [("weight", gamma), ("bias", beta)] }
  package var namedBuffers: [(name: String, parameter: Parameter)] {
    [("running_mean", runningMean), ("running_var", runningVariance)]
  }
}
