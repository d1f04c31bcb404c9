/// Global average pooling `[N, C, H, W]` → `[N, C]` (the head of a ResNet).
package struct GlobalAveragePool: Layer, Sendable {
  package init() {}

  package var name: String { "GlobalAveragePool" }

  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.count == 3 else {
      throw NeuralNetworkError.inputShape(layer: name, expected: "[C, H, W]", found: inputShape)
    }
    return [inputShape[0]]
  }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable { x.globalAveragePooled() }
}
