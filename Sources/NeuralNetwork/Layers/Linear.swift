import Tensor

/// Fully connected layer: `[N, In]` → `[N, Out]`, y = x·Wᵀ + b, W `[Out, In]`.
package struct Linear: Layer {
  package let weight: Parameter
  package let bias: Parameter?

  /// PyTorch's default initialisation (uniform ±1/√In) from `rng`.
  package init(_ inputs: Int, _ outputs: Int, bias: Bool = true, using rng: inout Xoshiro256) {
    precondition(inputs >= 1 && outputs >= 1, "Linear needs positive sizes, got \(inputs)→\(outputs)")
    weight = Parameter(pytorchUniform([outputs, inputs], fanIn: inputs, using: &rng))
    self.bias = bias ? Parameter(pytorchUniform([outputs], fanIn: inputs, using: &rng)) : nil
  }

  package var inputs: Int { weight.shape[1] }
  package var outputs: Int { weight.shape[0] }
  package var name: String { "Linear(\(inputs)→\(outputs))" }

  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape == [inputs] else {
      throw NeuralNetworkError.inputShape(layer: name, expected: "[\(inputs)]", found: inputShape)
    }
    return [outputs]
  }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    .linear(x, weight: context.variable(weight), bias: bias.map { context.variable($0) })
  }

  package var namedParameters: [(name: String, parameter: Parameter)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }
}
