import Tensor

/// 2-D convolution `[N, C, H, W]` → `[N, O, Ho, Wo]` with a square kernel, stride and padding.
package struct Conv2d: Layer {
  /// How the border is handled.
  package enum Padding: String, Sendable, Codable, CaseIterable {
    /// No padding: Ho = (H − k)/stride + 1.
    case valid
    /// Zero padding so that Ho = ⌈H/stride⌉ (PyTorch's 'same' for stride 1; extra padding goes bottom/right).
    case same
    /// Like `same`, but the border mirrors the image (PyTorch `padding_mode='reflect'`).
    case reflect
  }

  package let weight: Parameter
  package let bias: Parameter?
  package let stride: Int
  package let padding: Padding

  /// PyTorch's default initialisation (uniform ±1/√(C·k²)) from `rng`.
  package init(
    _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid,
    bias: Bool = true, using rng: inout Xoshiro256
  ) {
    precondition(
      inChannels >= 1 && outChannels >= 1 && kernelSize >= 1 && stride >= 1,
      "Conv2d needs positive sizes, got \(inChannels)→\(outChannels), k \(kernelSize), stride \(stride)")
    let fanIn = inChannels * kernelSize * kernelSize
    weight = Parameter(pytorchUniform([outChannels, inChannels, kernelSize, kernelSize], fanIn: fanIn, using: &rng))
    self.bias = bias ? Parameter(pytorchUniform([outChannels], fanIn: fanIn, using: &rng)) : nil
    self.stride = stride
    self.padding = padding
  }

  package var inChannels: Int { weight.shape[1] }
  package var outChannels: Int { weight.shape[0] }
  package var kernelSize: Int { weight.shape[2] }
  package var name: String { "Conv2d(\(inChannels)→\(outChannels), \(kernelSize)×\(kernelSize), \(padding))" }

  /// (top, left, bottom, right) padding for an `h×w` input.
  func pads(height h: Int, width w: Int) -> (Int, Int, Int, Int) {
    guard padding != .valid else { return (0, 0, 0, 0) }
    func total(_ extent: Int) -> Int { max(((extent + stride - 1) / stride - 1) * stride + kernelSize - extent, 0) }
    let (th, tw) = (total(h), total(w))
    return (th / 2, tw / 2, th - th / 2, tw - tw / 2)
  }

  func geometry(height h: Int, width w: Int) -> ConvolutionGeometry {
    let (t, l, b, r) = pads(height: h, width: w)
    return padding == .reflect
      ? ConvolutionGeometry(
        channels: inChannels, height: h + t + b, width: w + l + r, kernelHeight: kernelSize,
        kernelWidth: kernelSize, strideHeight: stride, strideWidth: stride)
      : ConvolutionGeometry(
        channels: inChannels, height: h, width: w, kernelHeight: kernelSize, kernelWidth: kernelSize,
        strideHeight: stride, strideWidth: stride, paddingTop: t, paddingLeft: l, paddingBottom: b, paddingRight: r)
  }

  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    let expected = "[\(inChannels), H, W] with H, W ≥ \(padding == .valid ? kernelSize : 1)"
    guard inputShape.count == 3, inputShape[0] == inChannels, inputShape[1] >= 1, inputShape[2] >= 1 else {
      throw NeuralNetworkError.inputShape(layer: name, expected: expected, found: inputShape)
    }
    let (t, l, b, r) = pads(height: inputShape[1], width: inputShape[2])
    if padding == .reflect, max(t, b) >= inputShape[1] || max(l, r) >= inputShape[2] {
      throw NeuralNetworkError.inputShape(
        layer: name, expected: "[\(inChannels), H, W] with H, W > \(kernelSize / 2)",
        found: inputShape)
    }
    guard inputShape[1] + t + b >= kernelSize, inputShape[2] + l + r >= kernelSize else {
      throw NeuralNetworkError.inputShape(layer: name, expected: expected, found: inputShape)
    }
    let g = geometry(height: inputShape[1], width: inputShape[2])
    return [outChannels, g.outputHeight, g.outputWidth]
  }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    let (input, g) = prepared(x)
    return .conv2d(input, weight: context.variable(weight), bias: bias.map { context.variable($0) }, geometry: g)
  }

  /// This convolution followed by `MaxPool2d(2)` (stride 2) in one fused pass (`Variable.conv2dMaxPooled`).
  package func forwardMaxPooled(_ x: Variable, context: inout ForwardContext) -> Variable {
    let (input, g) = prepared(x)
    return .conv2dMaxPooled(
      input, weight: context.variable(weight), bias: bias.map { context.variable($0) }, geometry: g)
  }

  /// `x` `[N, C, H, W]` reflection-padded when the padding is `.reflect` (else as it is), and the geometry of the
  /// convolution over it.
  private func prepared(_ x: Variable) -> (Variable, ConvolutionGeometry) {
    let (h, w) = (x.shape[2], x.shape[3])
    guard padding == .reflect else { return (x, geometry(height: h, width: w)) }
    let (t, l, b, r) = pads(height: h, width: w)
    return (x.reflectionPadded(top: t, left: l, bottom: b, right: r), geometry(height: h, width: w))
  }

  package var namedParameters: [(name: String, parameter: Parameter)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }
}
