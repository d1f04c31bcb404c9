import Tensor
import Testing

@testable import NeuralNetwork

/// Every op's pullback against central finite differences (GradientCheck.swift).
@Suite struct GradientTests {
  @Test func elementwiseArithmetic() {
    let (a, b) = (random([3, 5], seed: 1), random([3, 5], seed: 2))
    #expect(gradientCheck([a, b]) { $0[0] + $0[1] } <= 0)
    #expect(gradientCheck([a, b]) { $0[0] - $0[1] } <= 0)
    #expect(gradientCheck([a, b]) { $0[0] * $0[1] } <= 0)
    #expect(gradientCheck([a]) { $0[0].scaled(by: -2.5) } <= 0)
    #expect(gradientCheck([a]) { $0[0].exp() } <= 0)
    #expect(gradientCheck([awayFromZero([3, 5], seed: 3)]) { $0[0].abs() } <= 0)
    #expect(gradientCheck([a]) { $0[0].sum() } <= 0)
    #expect(gradientCheck([a]) { $0[0].mean() } <= 0)
  }

  @Test func fanOutAccumulates() {
    // y = x·x + x uses x three times: dy/dx = 2x + 1.
    let x = random([4, 3], seed: 4)
    #expect(gradientCheck([x]) { $0[0] * $0[0] + $0[0] } <= 0)
  }

  @Test(arguments: [Float(0), 0.01, 0.2])
  func leakyReLU(slope: Float) {
    #expect(gradientCheck([awayFromZero([4, 6], seed: 5)]) { $0[0].leakyReLU(slope: slope) } <= 0)
  }

  @Test func smoothActivations() {
    let x = random([4, 6], seed: 6, low: -2, high: 2)
    #expect(gradientCheck([x]) { $0[0].tanh() } <= 0)
    #expect(gradientCheck([x]) { $0[0].sigmoid() } <= 0)
    #expect(gradientCheck([x]) { $0[0].logSoftmax() } <= 0)
  }

  @Test func linearWithAndWithoutBias() {
    let (x, w, b) = (random([5, 7], seed: 7), random([3, 7], seed: 8), random([3], seed: 9))
    #expect(gradientCheck([x, w, b]) { .linear($0[0], weight: $0[1], bias: $0[2]) } <= 0)
    #expect(gradientCheck([x, w]) { .linear($0[0], weight: $0[1], bias: nil) } <= 0)
  }

  static let geometries: [ConvolutionGeometry] = [
    ConvolutionGeometry(channels: 2, height: 7, width: 6, kernelHeight: 3, kernelWidth: 3),
    ConvolutionGeometry(
      channels: 3, height: 8, width: 8, kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2,
      paddingTop: 1, paddingLeft: 1, paddingBottom: 1, paddingRight: 1),
    ConvolutionGeometry(
      channels: 1, height: 5, width: 7, kernelHeight: 2, kernelWidth: 4,
      paddingTop: 0, paddingLeft: 1, paddingBottom: 1, paddingRight: 2),
    ConvolutionGeometry(
      channels: 2, height: 9, width: 9, kernelHeight: 3, kernelWidth: 3, strideHeight: 3, strideWidth: 3),
    // 24×24 = 576 output pixels: one image per GEMM (the ungrouped path).
    ConvolutionGeometry(channels: 1, height: 26, width: 26, kernelHeight: 3, kernelWidth: 3),
  ]

  @Test(arguments: geometries)
  func conv2d(geometry g: ConvolutionGeometry) {
    let x = random([3, g.channels, g.height, g.width], seed: 10)
    let w = random([4, g.channels, g.kernelHeight, g.kernelWidth], seed: 11)
    let b = random([4], seed: 12)
    #expect(gradientCheck([x, w, b], samples: 30) { .conv2d($0[0], weight: $0[1], bias: $0[2], geometry: g) } <= 0)
    #expect(gradientCheck([x, w], samples: 30) { .conv2d($0[0], weight: $0[1], bias: nil, geometry: g) } <= 0)
  }

  @Test func maxPoolAndUpsample() {
    // Distinct values (a shuffled ramp) so no window has a tie within ±h.
    var rng = Xoshiro256(seed: 13)
    let ramp = rng.permutation(2 * 3 * 6 * 5).map { Float($0) * 0.05 }
    let x = Tensor(shape: [2, 3, 6, 5], scalars: ramp)
    #expect(gradientCheck([x], h: 1e-2) { $0[0].maxPool2d(size: 2, stride: 2) } <= 0)
    #expect(gradientCheck([x], h: 1e-2) { $0[0].maxPool2d(size: 3, stride: 1) } <= 0)
    #expect(gradientCheck([random([2, 2, 3, 4], seed: 14)]) { $0[0].upsampledNearest(factor: 2) } <= 0)
  }

  /// With ties (values from {0, 1, 2}), each 2×2 window's first maximum in row-major order wins and alone receives
  /// the gradient, as a loop over the window says; odd sizes drop the last row and column.
  @Test func maxPoolTiesGoToTheFirstMaximum() {
    var rng = Xoshiro256(seed: 21)
    let (c, h, w) = (3, 7, 9)
    let x = Tensor(shape: [2, c, h, w], scalars: (0..<(2 * c * h * w)).map { _ in Float(rng.nextInt(below: 3)) })
    let tape = Tape()
    let input = tape.watch(x)
    let y = input.maxPool2d(size: 2, stride: 2)
    let upstream = Tensor(shape: y.shape, scalars: (0..<y.value.count).map { Float($0 + 1) })
    let dx = tape.backward(from: y, seed: upstream)[input.node]!.scalars
    var want = [Float](repeating: 0, count: x.count)
    var output = 0
    for plane in 0..<(2 * c) {
      for oh in 0..<(h / 2) {
        for ow in 0..<(w / 2) {
          var best = plane * h * w + 2 * oh * w + 2 * ow
          for (di, dj) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            let i = plane * h * w + (2 * oh + di) * w + 2 * ow + dj
            if x.scalars[i] > x.scalars[best] { best = i }
          }
          #expect(y.value.scalars[output] == x.scalars[best])
          want[best] += upstream.scalars[output]
          output += 1
        }
      }
    }
    #expect(dx == want)
  }

  @Test func reflectionPaddingAndShape() {
    let x = random([2, 2, 4, 5], seed: 15)
    #expect(gradientCheck([x]) { $0[0].reflectionPadded(top: 1, left: 2, bottom: 3, right: 1) } <= 0)
    #expect(gradientCheck([x]) { $0[0].reshaped([4, -1]) } <= 0)
    #expect(gradientCheck([x]) { $0[0].flattened() } <= 0)
  }

  @Test func batchNormTrainingAndEvaluation() {
    let (gamma, beta) = (random([3], seed: 16, low: 0.5, high: 1.5), random([3], seed: 17))
    for shape in [[6, 3], [4, 3, 2, 3]] {
      let x = random(shape, seed: 18, low: -2, high: 2)
      #expect(
        gradientCheck([x, gamma, beta], h: 5e-3) { v in
          Variable.batchNorm(v[0], gamma: v[1], beta: v[2], epsilon: 1e-5).output
        } <= 0)
      #expect(
        gradientCheck([x, gamma, beta]) { v in
          .batchNorm(v[0], gamma: v[1], beta: v[2], mean: [0.1, -0.2, 0.3], variance: [0.5, 1.5, 2], epsilon: 1e-5)
        } <= 0)
    }
  }

  @Test func globalAveragePoolingAndZeroPaddingShortcut() {
    let x = random([2, 3, 5, 4], seed: 23)
    #expect(gradientCheck([x]) { $0[0].globalAveragePooled() } <= 0)
    #expect(gradientCheck([x]) { $0[0].subsampledZeroPadded(channels: 5) } <= 0)
    #expect(gradientCheck([x]) { $0[0].subsampledZeroPadded(channels: 3, stride: 1) } <= 0)
    #expect(gradientCheck([x]) { $0[0].subsampledZeroPadded(channels: 4, stride: 3) } <= 0)
  }

  /// The separable critic's pairing: rows repeated across pairs sum their gradients; a constant side gets none.
  @Test func pairedRowsGradientsSumOverRepeats() {
    let a = random([3, 2], seed: 31), b = random([4, 3], seed: 32)
    let pairs = [(0, 0), (1, 1), (2, 2), (0, 3), (1, 0), (2, 0), (0, 0)]
    #expect(gradientCheck([a, b]) { Variable.pairedRows($0[0], $0[1], pairs: pairs) } <= 0)
    let paired = Variable.pairedRows(Variable(a), Variable(b), pairs: pairs)
    #expect(paired.shape == [7, 5])
    #expect(Array(paired.value.scalars[5..<10]) == [a[flat: 2], a[flat: 3], b[flat: 3], b[flat: 4], b[flat: 5]])
    // Only b on the tape: the pullback must give a's slot nothing and still b's full gradient.
    #expect(gradientCheck([b]) { Variable.pairedRows(Variable(a), $0[0], pairs: pairs) } <= 0)
  }

  /// A whole residual block in training mode (noise with a fixed seed, convolutions, batch statistics, the residual
  /// add and the ReLUs), both shortcut kinds and the identity, against finite differences in its input.
  @Test(arguments: [(4, 4, 1, ResidualBlock.Shortcut.zeroPadding), (3, 6, 2, .zeroPadding), (3, 6, 2, .projection)])
  func residualBlock(inChannels: Int, outChannels: Int, stride: Int, shortcut: ResidualBlock.Shortcut) {
    var rng = Xoshiro256(seed: 24)
    let block = ResidualBlock(
      inChannels, outChannels, stride: stride, shortcut: shortcut,
      noise: GaussianNoise(.relative(sigma: 0.1), activeAtInference: true), using: &rng)
    let x = random([4, inChannels, 6, 6], seed: 25, low: -2, high: 2)
    for training in [true, false] {
      // The block is piecewise linear around ReLU kinks: steps of ±1e-3 cross one in some draws (measured: violations
      // up to 0.05 at h = 1e-2, none at 3e-4 over 3 seeds × both modes × 3 blocks). At h = 3e-4 Float32 rounding of
      // the objective (≈ 1e-6) gives ≈ 2e-3 numeric noise, hence atol 5e-3.
      for seed: UInt64 in [1, 2, 3] {
        let violation = gradientCheck([x], h: 3e-4, atol: 5e-3, rtol: 3e-2, samples: 60, seed: seed) { v in
          var context = ForwardContext(tape: v[0].tape, isTraining: training, seed: 7)
          return block.forward(v[0], context: &context)
        }
        #expect(violation <= 0, "training \(training), seed \(seed)")
      }
    }
  }

  @Test func dropoutAndNoiseWithFixedSeeds() {
    let x = awayFromZero([5, 8], seed: 19)
    #expect(gradientCheck([x]) { $0[0].dropout(probability: 0.3, seed: 42) } <= 0)
    #expect(gradientCheck([x]) { $0[0].addingNoise(.additive(sigma: 0.5), seed: 43) } <= 0)
    #expect(gradientCheck([x]) { $0[0].addingNoise(.relative(sigma: 0.5), seed: 44) } <= 0)
  }

  @Test func losses() {
    let logits = random([6, 4], seed: 20, low: -2, high: 2)
    let labels: [Int32] = [0, 3, 1, 2, 3, 0]
    #expect(gradientCheck([logits]) { $0[0].crossEntropy(labels: labels) } <= 0)
    #expect(gradientCheck([logits]) { $0[0].logSoftmax().nllLoss(labels: labels) } <= 0)
    #expect(gradientCheck([logits]) { $0[0].nllLoss(labels: labels) } <= 0)
    let target = random([6, 4], seed: 21, low: -3, high: 3)
    #expect(gradientCheck([logits]) { $0[0].mseLoss(target: target) } <= 0)
    // |x − t| has a kink where x = t; the two draw from different ranges and are ≥ h apart here.
    #expect(gradientCheck([logits]) { $0[0].l1Loss(target: target.map { $0 >= 0 ? $0 + 2.1 : $0 - 2.1 }) } <= 0)
  }

  @Test func checkerFailsOnAWrongPullback() {
    // A deliberately wrong op (pullback with a flipped sign) must be caught.
    let x = random([3, 4], seed: 22)
    let violation = gradientCheck([x]) { v in
      Tape.record(v[0].value.map { 2 * $0 }, inputs: [v[0]]) { dy in [dy.map { -2 * $0 }] }
    }
    #expect(violation > 0)
  }
}
