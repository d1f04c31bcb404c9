import Tensor

/// Fully connected layer: `[N, In]` → `[N, Out]`, y = x·Wᵀ + b, W `[Out, In]`.
public struct Linear: Layer {
  public let weight: Parameter
  public let bias: Parameter?

  /// PyTorch's default initialisation (uniform ±1/√In) from `rng`.
  public init(_ inputs: Int, _ outputs: Int, bias: Bool = true, using rng: inout Xoshiro256) {
    precondition(inputs >= 1 && outputs >= 1, "Linear needs positive sizes, got \(inputs)→\(outputs)")
    weight = Parameter(pytorchUniform([outputs, inputs], fanIn: inputs, using: &rng))
    self.bias = bias ? Parameter(pytorchUniform([outputs], fanIn: inputs, using: &rng)) : nil
  }

  public var inputs: Int { weight.shape[1] }
  public var outputs: Int { weight.shape[0] }
  public var name: String { "Linear(\(inputs)→\(outputs))" }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape == [inputs] else { throw NeuralNetworkError.inputShape(layer: name, expected: "[\(inputs)]", found: inputShape) }
    return [outputs]
  }

  public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    .linear(x, weight: context.variable(weight), bias: bias.map { context.variable($0) })
  }

  public var namedParameters: [(name: String, parameter: Parameter)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }
}
