/// Max pooling `[N, C, H, W]` → `[N, C, (H − size)/stride + 1, …]` (floor, as PyTorch's default).
public struct MaxPool2d: Layer, Sendable {
  public let size: Int
  public let stride: Int

  /// Windows of `size×size`; `stride` defaults to `size` (non-overlapping), as in PyTorch.
  public init(_ size: Int, stride: Int? = nil) {
    precondition(size >= 1 && (stride ?? 1) >= 1, "MaxPool2d needs a positive size and stride")
    self.size = size
    self.stride = stride ?? size
  }

  public var name: String { "MaxPool2d(\(size))" }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.count == 3, inputShape[1] >= size, inputShape[2] >= size else {
      throw NeuralNetworkError.inputShape(layer: name, expected: "[C, H, W] with H, W ≥ \(size)", found: inputShape)
    }
    return [inputShape[0], (inputShape[1] - size) / stride + 1, (inputShape[2] - size) / stride + 1]
  }

  public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    x.maxPool2d(size: size, stride: stride)
  }
}

/// Nearest-neighbour upsampling `[N, C, H, W]` → `[N, C, H·factor, W·factor]`.
public struct Upsample: Layer, Sendable {
  public let factor: Int

  public init(factor: Int = 2) {
    precondition(factor >= 1, "Upsample needs a positive factor, got \(factor)")
    self.factor = factor
  }

  public var name: String { "Upsample(×\(factor))" }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.count == 3 else {
      throw NeuralNetworkError.inputShape(layer: name, expected: "[C, H, W]", found: inputShape)
    }
    return [inputShape[0], inputShape[1] * factor, inputShape[2] * factor]
  }

  public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    x.upsampledNearest(factor: factor)
  }
}
