import Foundation
@_spi(Benchmarks) import Tensor
import Testing

@_spi(Benchmarks) @testable import NeuralNetwork

/// The fused convolution + 2×2 max pooling against the two operations run one after the other: the same pooled
/// values, the same maxima (ties included), the same gradients for input, weight and bias — bit for bit, since both
/// run the same convolution kernels on the same data.
@Suite struct FusedConvolutionPoolingTests {
  /// (channels, side, out channels, padding, batch): 'valid' to odd and even outputs, 'same', one output channel,
  /// and a batch of 70 images that spans several groups per thread.
  static let cases: [(Int, Int, Int, Int, Int)] = [
    (1, 28, 8, 0, 3), (8, 13, 16, 0, 2), (16, 5, 4, 1, 2), (3, 9, 1, 1, 2), (2, 12, 5, 0, 70),
  ]

  @Test(arguments: 0..<cases.count)
  func fusedEqualsConvolutionThenPooling(index: Int) {
    let (c, side, o, pad, n) = Self.cases[index]
    let g = ConvolutionGeometry(
      channels: c, height: side, width: side, kernelHeight: 3, kernelWidth: 3, paddingTop: pad, paddingLeft: pad,
      paddingBottom: pad, paddingRight: pad)
    var rng = Xoshiro256(seed: UInt64(index) + 40)
    // Small integers in the input and weights: many exact ties inside the pooling windows.
    let x = Tensor(
      shape: [n, c, side, side], scalars: (0..<(n * c * side * side)).map { _ in Float(rng.nextInt(below: 3)) })
    let w = Tensor(shape: [o, c, 3, 3], scalars: (0..<(o * c * 9)).map { _ in Float(rng.nextInt(below: 3) - 1) })
    let b = Tensor(shape: [o], scalars: (0..<o).map { _ in Float(rng.nextInt(below: 5)) * 0.25 })
    func run(fused: Bool) -> [[Float]] {
      let tape = Tape()
      let (xv, wv, bv) = (tape.watch(x), tape.watch(w), tape.watch(b))
      let y =
        fused
        ? Variable.conv2dMaxPooled(xv, weight: wv, bias: bv, geometry: g)
        : Variable.conv2d(xv, weight: wv, bias: bv, geometry: g).maxPool2d(size: 2, stride: 2)
      var upstreamRng = Xoshiro256(seed: 9)
      let upstream = Tensor.normal(y.shape, using: &upstreamRng)
      let grads = tape.backward(from: y, seed: upstream)
      return [y.value.scalars, grads[xv.node]!.scalars, grads[wv.node]!.scalars, grads[bv.node]!.scalars]
    }
    let (fused, separate) = (run(fused: true), run(fused: false))
    #expect(fused[0].count == n * o * ((side + 2 * pad - 2) / 2) * ((side + 2 * pad - 2) / 2))
    for (part, name) in ["value", "input gradient", "weight gradient", "bias gradient"].enumerated() {
      #expect(fused[part] == separate[part], "\(name), case \(index)")
    }
  }

  /// A `Sequential` fuses Conv2d + MaxPool2d(2) in every mode, but not when the convolution's output is probed.
  @Test func sequentialFusesUnlessTheConvolutionIsProbed() {
    var rng = Xoshiro256(seed: 3)
    var network = Sequential([
      Conv2d(2, 4, kernelSize: 3, using: &rng), MaxPool2d(2), Activation.leakyReLU(slope: 0.01),
    ])
    let x = Variable(Tensor.normal([5, 2, 10, 10], using: &rng))
    var context = ForwardContext(tape: nil, isTraining: false, seed: 1)
    let whole = network.forward(x, context: &context).value
    var byLayer = x
    for layer in network.layers { byLayer = layer.forward(byLayer, context: &context) }
    #expect(whole == byLayer.value)
    network.probes["convolution"] = 0
    let (output, probes) = network.forward(x, context: &context, probing: nil)
    #expect(output.value == whole && probes["convolution"]?.shape == [5, 4, 8, 8])
  }
}
