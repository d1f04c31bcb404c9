import Tensor

/// A learned tensor shared by a layer, the tape and an optimizer (identity matters, so a class; docs/architecture.md, Conventions §3).
///
/// `gradient` has the shape of `value` and accumulates over `Tape.backward(from:)` calls until `zeroGradient()`.
@_spi(Benchmarks) public final class Parameter {
  /// The current weights.
  package var value: Tensor
  /// The accumulated gradient of the loss with respect to `value`.
  package var gradient: Tensor

  /// A parameter holding `value`, with a zero gradient.
  package init(_ value: Tensor) {
    self.value = value
    self.gradient = Tensor.zeros(value.shape)
  }

  /// The shape of `value`.
  package var shape: [Int] { value.shape }

  /// Sets every gradient element to zero.
  package func zeroGradient() {
    gradient.withUnsafeMutableScalars { g in
      guard let base = g.baseAddress else { return }
      base.initialize(repeating: 0, count: g.count)
    }
  }
}
