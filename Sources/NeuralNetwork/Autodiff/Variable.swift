import Tensor

/// A tensor value inside a forward pass; recorded on a `Tape` when it (transitively) depends on a leaf of one.
///
/// Without a tape (inference) a variable is just its value, and operations record nothing.
package struct Variable {
  /// The forward value.
  package let value: Tensor
  let tape: Tape?
  let node: Int

  /// A constant: no gradient flows into it.
  package init(_ value: Tensor) {
    self.value = value
    self.tape = nil
    self.node = -1
  }

  init(_ value: Tensor, tape: Tape, node: Int) {
    self.value = value
    self.tape = tape
    self.node = node
  }

  /// The shape of `value`.
  package var shape: [Int] { value.shape }

  /// Whether a gradient flows back into this value.
  package var requiresGradient: Bool { tape != nil }

  /// The tape index of this value (−1 for constants); keys the result of `Tape.backward(from:)`.
  package var tapeIndex: Int { node }
}
