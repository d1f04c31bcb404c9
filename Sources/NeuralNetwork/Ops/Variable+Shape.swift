import Tensor

extension Variable {
  /// The same elements with another shape of equal element count (`-1` infers one axis).
  package func reshaped(_ newShape: [Int]) -> Variable {
    let oldShape = shape
    return Tape.record(value.reshaped(newShape), inputs: [self]) { dy in [dy.reshaped(oldShape)] }
  }

  /// `[N, …]` flattened to `[N, D]`.
  package func flattened() -> Variable {
    reshaped([shape.first ?? 0, shape.dropFirst().reduce(1, *)])
  }
}
