import Tensor

/// The basic block of a CIFAR ResNet (He et al. 2016, §4.2), made stochastic as docs/method.md §5 requires:
/// n = noise(x); h = ReLU(BN(Conv3×3(n, stride))); h = BN(Conv3×3(h)); y = ReLU(h + shortcut(n)).
///
/// `[N, C_in, H, W]` → `[N, C_out, ⌈H/stride⌉, ⌈W/stride⌉]`. Convolutions have 'same' padding and no bias (the
/// batch norm that follows has one). The shortcut is the identity when the shape is kept, otherwise `shortcut`.
package struct ResidualBlock: Layer {
  /// How a block that changes the shape passes its input on.
  package enum Shortcut: String, Sendable, Codable {
    /// Every second pixel, zero channels appended (He et al.'s option A; no parameters).
    case zeroPadding
    /// A 1×1 convolution with the block's stride, then batch norm (option B).
    case projection
  }

  package let noise: GaussianNoise
  package let conv1: Conv2d
  package let norm1: BatchNorm
  package let conv2: Conv2d
  package let norm2: BatchNorm
  /// The projection of option B (nil for the identity or option A).
  package let projection: (conv: Conv2d, norm: BatchNorm)?
  package let stride: Int

  /// A block from `inChannels` to `outChannels` with `stride` 1 or 2; the shortcut kind matters only when the shape
  /// changes. PyTorch's default initialisation from `rng`.
  package init(
    _ inChannels: Int, _ outChannels: Int, stride: Int, shortcut: Shortcut = .zeroPadding, noise: GaussianNoise,
    using rng: inout Xoshiro256
  ) {
    precondition(stride == 1 || stride == 2, "a residual block has stride 1 or 2")
    precondition(outChannels >= inChannels, "a residual block does not reduce channels")
    self.noise = noise
    self.stride = stride
    conv1 = Conv2d(inChannels, outChannels, kernelSize: 3, stride: stride, padding: .same, bias: false, using: &rng)
    norm1 = BatchNorm(outChannels)
    conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: .same, bias: false, using: &rng)
    norm2 = BatchNorm(outChannels)
    let changesShape = stride != 1 || inChannels != outChannels
    projection =
      changesShape && shortcut == .projection
      ? (
        Conv2d(inChannels, outChannels, kernelSize: 1, stride: stride, bias: false, using: &rng),
        BatchNorm(outChannels)
      ) : nil
  }

  package var inChannels: Int { conv1.inChannels }
  package var outChannels: Int { conv1.outChannels }
  package var name: String { "ResidualBlock(\(inChannels)→\(outChannels), stride \(stride))" }

  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.count == 3, inputShape[0] == inChannels, inputShape[1] >= 1, inputShape[2] >= 1 else {
      throw NeuralNetworkError.inputShape(layer: name, expected: "[\(inChannels), H, W]", found: inputShape)
    }
    return [outChannels, (inputShape[1] + stride - 1) / stride, (inputShape[2] + stride - 1) / stride]
  }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    let n = noise.forward(x, context: &context)
    var h = conv1.forward(n, context: &context)
    h = norm1.forward(h, context: &context).relu()
    h = norm2.forward(conv2.forward(h, context: &context), context: &context)
    let shortcut: Variable
    if let projection {
      shortcut = projection.norm.forward(projection.conv.forward(n, context: &context), context: &context)
    } else if stride != 1 || inChannels != outChannels {
      shortcut = n.subsampledZeroPadded(channels: outChannels, stride: stride)
    } else {
      shortcut = n
    }
    return (h + shortcut).relu()
  }

  private var parts: [(String, any Layer)] {
    var list: [(String, any Layer)] = [("conv1", conv1), ("bn1", norm1), ("conv2", conv2), ("bn2", norm2)]
    if let projection { list += [("shortcut.0", projection.conv), ("shortcut.1", projection.norm)] }
    return list
  }

  /// PyTorch-style names: `conv1.weight`, `bn1.weight`, `bn1.bias`, …, `shortcut.0.weight` for option B.
  package var namedParameters: [(name: String, parameter: Parameter)] {
    parts.flatMap { prefix, layer in layer.namedParameters.map { ("\(prefix).\($0.name)", $0.parameter) } }
  }

  package var namedBuffers: [(name: String, parameter: Parameter)] {
    parts.flatMap { prefix, layer in layer.namedBuffers.map { ("\(prefix).\($0.name)", $0.parameter) } }
  }
}
