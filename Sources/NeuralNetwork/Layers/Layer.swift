import Tensor

/// The state of one forward pass: the tape (nil at inference), the mode and the seed of its random draws.
package struct ForwardContext {
  /// Where operations record for `backward`; nil runs without recording (inference).
  package var tape: Tape?
  /// Training mode: dropout and batch statistics on. Evaluation mode: off (noise layers decide for themselves).
  package var isTraining: Bool
  /// The seed of this pass; each stochastic layer draws its own seed from it in call order.
  package var seed: UInt64
  private var draws: UInt64 = 0

  package init(tape: Tape?, isTraining: Bool, seed: UInt64) {
    self.tape = tape
    self.isTraining = isTraining
    self.seed = seed
  }

  /// A fresh seed for the next stochastic operation of this pass.
  package mutating func nextSeed() -> UInt64 {
    draws &+= 1
    return mixSeed(seed, draws)
  }

  /// `parameter` as a variable: recorded on the tape when there is one, a constant otherwise.
  package func variable(_ parameter: Parameter) -> Variable {
    tape?.variable(parameter) ?? Variable(parameter.value)
  }
}

/// A network building block: maps `[N, …]` to `[N, …]` and owns named parameters (docs/architecture.md, Conventions §2).
package protocol Layer {
  /// A short name for error messages ("Conv2d(1→8, 3×3)").
  var name: String { get }
  /// The per-sample output shape (no batch axis) for a per-sample input shape.
  /// - Throws: `NeuralNetworkError.inputShape` when the input does not fit this layer.
  func outputShape(for inputShape: [Int]) throws -> [Int]
  /// The forward pass over a batch `[N, inputShape…]`; shapes were validated by `outputShape(for:)`.
  func forward(_ x: Variable, context: inout ForwardContext) -> Variable
  /// Learned parameters by name (PyTorch's `weight`, `bias`), in a fixed order.
  var namedParameters: [(name: String, parameter: Parameter)] { get }
  /// Non-learned state saved in checkpoints (batch-norm running statistics).
  var namedBuffers: [(name: String, parameter: Parameter)] { get }
}

extension Layer {
  package var namedParameters: [(name: String, parameter: Parameter)] { [] }
  package var namedBuffers: [(name: String, parameter: Parameter)] { [] }
}

/// PyTorch's default initialisation for Linear and Conv2d: weights and biases uniform in ±1/√fan_in
/// (Kaiming-uniform with a = √5 gives exactly this bound for the weights).
func pytorchUniform(_ shape: [Int], fanIn: Int, using rng: inout Xoshiro256) -> Tensor {
  let bound = 1 / Float(max(1, fanIn)).squareRoot()
  return Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
}
