/// Max pooling `[N, C, H, W]` → `[N, C, (H − size)/stride + 1, …]` (floor, as PyTorch's default).
package struct MaxPool2d: Layer, Sendable {
  package let size: Int
  package let stride: Int

  /// Windows of `size×size`; `stride` defaults to `size` (non-overlapping), as in PyTorch.
  package init(_ size: Int, stride: Int? = nil) {
    precondition(size >= 1 && (stride ?? 1) >= 1, "MaxPool2d needs a positive size and stride")
    self.size = size
    self.stride = stride ?? size
  }

  package var name: String { "MaxPool2d(\(size))" }

  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.count == 3, inputShape[1] >= size, inputShape[2] >= size else {
      throw NeuralNetworkError.inputShape(layer: name, expected: "[C, H, W] with H, W ≥ \(size)", found: inputShape)
    }
    return [inputShape[0], (inputShape[1] - size) / stride + 1, (inputShape[2] - size) / stride + 1]
  }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    x.maxPool2d(size: size, stride: stride)
  }
}
