/// Nearest-neighbour upsampling `[N, C, H, W]` → `[N, C, H·factor, W·factor]`.
package struct Upsample: Layer, Sendable {
  package let factor: Int

  package init(factor: Int = 2) {
    precondition(factor >= 1, "Upsample needs a positive factor, got \(factor)")
    self.factor = factor
  }

  package var name: String { "Upsample(×\(factor))" }

  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.count == 3 else {
      throw NeuralNetworkError.inputShape(layer: name, expected: "[C, H, W]", found: inputShape)
    }
    return [inputShape[0], inputShape[1] * factor, inputShape[2] * factor]
  }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    x.upsampledNearest(factor: factor)
  }
}
