/// `[N, …]` → `[N, shape…]` with the same number of elements per sample.
package struct Reshape: Layer, Sendable {
  package let shape: [Int]
  package init(_ shape: [Int]) { self.shape = shape }
  package var name: String { "Reshape(\(shape))" }
  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.reduce(1, *) == shape.reduce(1, *) else {
      throw NeuralNetworkError.inputShape(layer: name, expected: "\(shape.reduce(1, *)) elements", found: inputShape)
    }
    return shape
  }
  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    x.reshaped([x.shape[0]] + shape)
  }
}
