import Tensor

/// The record of one forward pass: every differentiable operation in execution order (docs/architecture.md, Conventions §4).
///
/// A node's index is its identity and reverse order is already topological, so `backward(from:)` is a single
/// reverse walk: no sorting, no hashing. Create one tape per training step; evaluation runs without a tape.
package final class Tape {
  struct Node {
    /// Tape indices of the inputs that require a gradient (−1 for inputs that do not).
    var inputs: [Int]
    /// Maps the output's gradient to one gradient per input (nil where the input needs none).
    var pullback: ((Tensor) -> [Tensor?])?
    /// For leaves that stand for a parameter: where `backward` accumulates the gradient.
    var parameter: Parameter?
    var shape: [Int]
  }

  var nodes: [Node] = []

  package init() {}

  /// The number of recorded nodes (leaves and operations).
  package var count: Int { nodes.count }

  /// A leaf for `parameter`; `backward(from:)` adds into `parameter.gradient`.
  package func variable(_ parameter: Parameter) -> Variable {
    nodes.append(Node(inputs: [], pullback: nil, parameter: parameter, shape: parameter.shape))
    return Variable(parameter.value, tape: self, node: nodes.count - 1)
  }

  /// A leaf for a plain tensor whose gradient `backward(from:)` returns (inputs in gradient checks, probes).
  package func watch(_ value: Tensor) -> Variable {
    nodes.append(Node(inputs: [], pullback: nil, parameter: nil, shape: value.shape))
    return Variable(value, tape: self, node: nodes.count - 1)
  }

  /// Records an operation. `pullback` receives the output's gradient and returns one gradient per input, each in
  /// that input's shape, or nil for inputs that need none. Returns a constant when no input requires a gradient.
  static func record(
    _ value: Tensor, inputs: [Variable], pullback: @escaping (Tensor) -> [Tensor?]
  ) -> Variable {
    guard let tape = inputs.lazy.compactMap(\.tape).first else { return Variable(value) }
    // Constants (no tape) are fine; a variable of another forward pass would silently get no gradient.
    precondition(
      inputs.allSatisfy { $0.tape == nil || $0.tape === tape },
      "an operation mixes variables of two tapes (two forward passes); record a forward pass on one tape")
    let indices = inputs.map { $0.tape === tape ? $0.node : -1 }
    tape.nodes.append(Node(inputs: indices, pullback: pullback, parameter: nil, shape: value.shape))
    return Variable(value, tape: tape, node: tape.nodes.count - 1)
  }

  /// Reverse-mode sweep from `output`, seeded with `seed` (ones when nil, i.e. d(sum output)).
  ///
  /// Parameter gradients are added to `Parameter.gradient`; the gradients of watched leaves are returned by node.
  /// - Returns: The gradient of every leaf created with `watch(_:)`, keyed by its tape index.
  @discardableResult
  package func backward(from output: Variable, seed: Tensor? = nil) -> [Int: Tensor] {
    precondition(output.tape === self, "backward(from:) needs a variable recorded on this tape")
    if let seed {
      precondition(seed.shape == output.shape, "backward seed shape \(seed.shape) ≠ output shape \(output.shape)")
    }
    var grads = [Tensor?](repeating: nil, count: nodes.count)
    grads[output.node] = seed ?? Tensor(repeating: 1, shape: output.shape)
    var watched: [Int: Tensor] = [:]
    for i in stride(from: output.node, through: 0, by: -1) {
      guard let dy = grads[i] else { continue }
      grads[i] = nil
      let node = nodes[i]
      if let parameter = node.parameter {
        parameter.gradient.addScaled(dy)
        continue
      }
      guard let pullback = node.pullback else {
        watched[i] = dy
        continue
      }
      let dxs = pullback(dy)
      precondition(
        dxs.count == node.inputs.count,
        "pullback of node \(i) returned \(dxs.count) gradients for \(node.inputs.count) inputs")
      for (input, dx) in zip(node.inputs, dxs) where input >= 0 {
        guard let dx else { continue }
        precondition(
          dx.shape == nodes[input].shape, "pullback of node \(i) returned \(dx.shape) for \(nodes[input].shape)")
        if grads[input] == nil {
          grads[input] = dx
        } else {
          grads[input]!.addScaled(dx)
        }
      }
    }
    return watched
  }
}
