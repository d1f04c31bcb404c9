import Foundation
@_spi(Benchmarks) import Tensor
import Testing

@_spi(Benchmarks) @testable import NeuralNetwork

/// Forward passes against direct computations, shapes, initialisation and batch-norm statistics.
@Suite struct LayerTests {
  /// Direct Float64 cross-correlation with zero padding, for comparison with im2col + GEMM.
  static func referenceConv(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride s: Int, pads p: (Int, Int, Int, Int))
    -> [Double]
  {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, k) = (w.shape[0], w.shape[2])
    let ho = (h + p.0 + p.2 - k) / s + 1
    let wo = (wd + p.1 + p.3 - k) / s + 1
    var out = [Double]()
    for i in 0..<n {
      for oc in 0..<o {
        for oy in 0..<ho {
          for ox in 0..<wo {
            var acc = Double(b.scalars[oc])
            for ic in 0..<c {
              for ky in 0..<k {
                for kx in 0..<k {
                  let (iy, ix) = (oy * s - p.0 + ky, ox * s - p.1 + kx)
                  guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                  acc += Double(x[i, ic, iy, ix]) * Double(w[oc, ic, ky, kx])
                }
              }
            }
            out.append(acc)
          }
        }
      }
    }
    return out
  }

  @Test(arguments: [(1, Conv2d.Padding.valid, 9), (1, .same, 9), (2, .same, 9), (2, .valid, 9), (1, .same, 1)])
  func convMatchesDirectComputation(stride: Int, padding: Conv2d.Padding, batch: Int) throws {
    var rng = Xoshiro256(seed: 3)
    let conv = Conv2d(3, 5, kernelSize: 3, stride: stride, padding: padding, using: &rng)
    // Batch 9: several images share one GEMM (the grouped path); batch 1: one image per GEMM.
    let x = random([batch, 3, 10, 9], seed: 4)
    var context = ForwardContext(tape: nil, isTraining: false, seed: 0)
    let y = conv.forward(Variable(x), context: &context).value
    #expect(Array(y.shape.dropFirst()) == (try conv.outputShape(for: [3, 10, 9])))
    let pads = conv.pads(height: 10, width: 9)
    let reference = Self.referenceConv(x, conv.weight.value, conv.bias!.value, stride: stride, pads: pads)
    #expect(reference.count == y.count)
    for (a, b) in zip(y.scalars, reference) { #expect(Swift.abs(Double(a) - b) < 1e-5 * max(1, Swift.abs(b))) }
  }

  @Test func samePaddingKeepsTheSizeAndReflectMirrorsTheBorder() throws {
    var rng = Xoshiro256(seed: 5)
    #expect(try Conv2d(1, 2, kernelSize: 3, padding: .same, using: &rng).outputShape(for: [1, 28, 28]) == [2, 28, 28])
    #expect(
      try Conv2d(1, 2, kernelSize: 3, stride: 2, padding: .same, using: &rng).outputShape(for: [1, 7, 7]) == [2, 4, 4])
    #expect(
      try Conv2d(1, 2, kernelSize: 3, padding: .valid, using: &rng).outputShape(for: [1, 28, 28]) == [2, 26, 26])
    // PyTorch: F.pad([1, 2, 3], (2, 2), mode='reflect') = [3, 2, 1, 2, 3, 2, 1].
    let row = Variable(Tensor(shape: [1, 1, 1, 3], scalars: [1, 2, 3])).reflectionPadded(
      top: 0, left: 2, bottom: 0, right: 2)
    #expect(row.value.scalars == [3, 2, 1, 2, 3, 2, 1])
    // A reflect conv equals a valid conv of the reflection-padded input.
    let conv = Conv2d(2, 3, kernelSize: 3, padding: .reflect, using: &rng)
    let x = random([2, 2, 5, 6], seed: 6)
    var context = ForwardContext(tape: nil, isTraining: false, seed: 0)
    let y = conv.forward(Variable(x), context: &context).value
    let padded = Variable(x).reflectionPadded(top: 1, left: 1, bottom: 1, right: 1).value
    let reference = Self.referenceConv(padded, conv.weight.value, conv.bias!.value, stride: 1, pads: (0, 0, 0, 0))
    #expect(y.shape == [2, 3, 5, 6])
    for (a, b) in zip(y.scalars, reference) { #expect(Swift.abs(Double(a) - b) < 1e-5) }
  }

  @Test func poolingUpsamplingAndSoftmaxValues() {
    let x = Tensor(shape: [1, 1, 3, 4], scalars: [1, 5, 2, 0, 3, 4, 8, 7, 9, 9, 9, 9])
    #expect(Variable(x).maxPool2d(size: 2, stride: 2).value.scalars == [5, 8])  // floor: the last row is dropped
    let up = Variable(Tensor(shape: [1, 1, 1, 2], scalars: [1, 2])).upsampledNearest(factor: 2).value
    #expect(up.shape == [1, 1, 2, 4] && up.scalars == [1, 1, 2, 2, 1, 1, 2, 2])
    let logits = random([4, 7], seed: 7, low: -30, high: 30)
    let p = Variable(logits).logSoftmax().value
    for r in 0..<4 {
      let total = (0..<7).reduce(0.0) { $0 + exp(Double(p[r, $1])) }
      #expect(Swift.abs(total - 1) < 1e-5)
    }
  }

  @Test func pytorchDefaultInitialisationBounds() {
    var rng = Xoshiro256(seed: 8)
    let linear = Linear(300, 200, using: &rng)
    let bound = 1 / Float(300).squareRoot()
    let w = linear.weight.value.scalars
    #expect(w.allSatisfy { Swift.abs($0) <= bound })
    // Uniform(−b, b) has variance b²/3; standard error of the sample variance ≈ b²·√(4/45/n).
    let variance = w.reduce(0.0) { $0 + Double($1 * $1) } / Double(w.count)
    let expected = Double(bound * bound) / 3
    #expect(Swift.abs(variance - expected) < 4 * Double(bound * bound) * (4.0 / 45 / Double(w.count)).squareRoot())
    let conv = Conv2d(8, 16, kernelSize: 3, using: &rng)
    #expect(conv.weight.value.scalars.allSatisfy { Swift.abs($0) <= 1 / Float(72).squareRoot() })
    #expect(conv.bias!.value.scalars.allSatisfy { Swift.abs($0) <= 1 / Float(72).squareRoot() })
  }

  @Test func batchNormNormalisesAndTracksRunningStatistics() {
    let bn = BatchNorm(3)
    let x = random([64, 3, 2, 2], seed: 9, low: 2, high: 6)  // mean 4, variance 16/12
    var train = ForwardContext(tape: nil, isTraining: true, seed: 0)
    let y = bn.forward(Variable(x), context: &train).value
    for c in 0..<3 {
      var values = [Double]()
      for n in 0..<64 { for i in 0..<2 { for j in 0..<2 { values.append(Double(y[n, c, i, j])) } } }
      let mean = values.reduce(0, +) / Double(values.count)
      let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
      #expect(Swift.abs(mean) < 1e-5 && Swift.abs(variance - 1) < 1e-3)
      // One update with momentum 0.1 from (0, 1).
      #expect(Swift.abs(bn.runningMean.value.scalars[c] - 0.4) < 0.05)
    }
    var eval = ForwardContext(tape: nil, isTraining: false, seed: 0)
    let e = bn.forward(Variable(x), context: &eval).value
    let m = bn.runningMean.value.scalars[0]
    let v = bn.runningVariance.value.scalars[0]
    #expect(Swift.abs(e[0, 0, 0, 0] - (x[0, 0, 0, 0] - m) / (v + 1e-5).squareRoot()) < 1e-5)
  }

  @Test func wrongInputShapesThrowWithTheLayer() throws {
    let model = try NoisyClassifier(seed: 0).network
    let error = try #require(throws: NeuralNetworkError.self) { try model.outputShape(for: [1, 32, 32]) }
    #expect(error.description.contains("Linear(32→32)"))
    #expect(throws: NeuralNetworkError.self) { try model.outputShape(for: [3, 28, 28]) }
    #expect(throws: NeuralNetworkError.self) { try model.outputShape(for: [1, 5, 5]) }
    #expect(throws: NeuralNetworkError.self) { try NoisyClassifier(seed: 0).probe(Tensor.zeros([2, 28, 28]), seed: 0) }
  }

  @Test func classifierProbesHaveThePaperShapes() throws {
    let classifier = try NoisyClassifier(seed: 1)
    let x = random([5, 1, 28, 28], seed: 10)
    let probes = try classifier.probe(x, seed: 3)
    #expect(probes["layer1"]?.shape == [5, 8, 13, 13])
    #expect(probes["layer2"]?.shape == [5, 16, 5, 5])
    #expect(probes["layer3"]?.shape == [5, 32])
    #expect(probes["layer4"]?.shape == [5, 32])
    #expect(probes["layer5"]?.shape == [5, 10])
    let softmax = try #require(probes["softmax"])
    for r in 0..<5 { #expect(Swift.abs((0..<10).reduce(Float(0)) { $0 + softmax[r, $1] } - 1) < 1e-5) }
    // Noise stays on at inference: the same seed repeats, another seed differs.
    #expect(try classifier.probe(x, names: ["layer4"], seed: 3)["layer4"] == probes["layer4"])
    #expect(try classifier.probe(x, names: ["layer4"], seed: 4)["layer4"] != probes["layer4"])
    #expect(try classifier.probe(x, names: ["layer2"], seed: 3).keys.sorted() == ["layer2"])
  }

  @Test func cifarClassifierHasThePaperShapes() throws {
    // docs/method.md §10.2: 'same' padding takes 32×32 to 8×16×16, 16×8×8, 32×4×4 = 512, then 32 and 10.
    let classifier = try NoisyClassifier(.cifarCNN, inputShape: [3, 32, 32], seed: 1)
    let probes = try classifier.probe(random([3, 3, 32, 32], seed: 12), seed: 3)
    #expect(probes["layer1"]?.shape == [3, 8, 16, 16])
    #expect(probes["layer2"]?.shape == [3, 16, 8, 8])
    #expect(probes["layer3"]?.shape == [3, 512])
    #expect(probes["layer4"]?.shape == [3, 32])
    #expect(probes["layer5"]?.shape == [3, 10])
    #expect(
      classifier.network.parameterCount == (3 * 9 * 8 + 8) + (8 * 9 * 16 + 16) + (16 * 9 * 32 + 32)
        + (512 * 32 + 32) + (32 * 10 + 10))
    // Any channel count, size and class count.
    let small = try NoisyClassifier(.cifarCNN, inputShape: [2, 20, 12], classes: 3, seed: 1)
    #expect(try small.probe(random([2, 2, 20, 12], seed: 13), seed: 0)["softmax"]?.shape == [2, 3])
    let mnist = try NoisyClassifier(.mnistCNN, inputShape: [3, 32, 32], classes: 4, seed: 1)
    #expect(try mnist.probe(random([2, 3, 32, 32], seed: 13), seed: 0)["layer3"]?.shape == [2, 128])
  }

  @Test func resnet20HasHeEtAlsShapesAndParameters() throws {
    let resnet = try NoisyClassifier(.resnet20, inputShape: [3, 32, 32], seed: 2)
    #expect(resnet.probeNames == ["stem"] + (1...9).map { "block\($0)" } + ["head", "softmax"])
    let probes = try resnet.probe(random([2, 3, 32, 32], seed: 14), seed: 5)
    #expect(probes["stem"]?.shape == [2, 16, 32, 32])
    #expect(probes["block3"]?.shape == [2, 16, 32, 32])
    #expect(probes["block4"]?.shape == [2, 32, 16, 16])
    #expect(probes["block7"]?.shape == [2, 64, 8, 8])
    #expect(probes["block9"]?.shape == [2, 64, 8, 8])
    #expect(probes["head"]?.shape == [2, 10] && probes["softmax"]?.shape == [2, 10])
    // He et al. 2016, Table 6 (0.27 M): bias-free 3×3 convolutions, two batch-norm parameters per channel,
    // option-A shortcuts without parameters, a 64→10 linear head.
    let stem = 3 * 9 * 16 + 2 * 16
    let stage1 = 3 * (2 * (16 * 9 * 16) + 2 * 2 * 16)
    let stage2 = (16 * 9 * 32 + 32 * 9 * 32 + 4 * 32) + 2 * (2 * (32 * 9 * 32) + 4 * 32)
    let stage3 = (32 * 9 * 64 + 64 * 9 * 64 + 4 * 64) + 2 * (2 * (64 * 9 * 64) + 4 * 64)
    #expect(resnet.network.parameterCount == stem + stage1 + stage2 + stage3 + 64 * 10 + 10)
    #expect(resnet.network.parameterCount == 269_722)
    // Grey 28×28 images work too (28 → 14 → 7), and images too small for the CNNs fail naming the layer.
    let grey = try NoisyClassifier(.resnet20, inputShape: [1, 28, 28], seed: 2)
    #expect(try grey.probe(random([2, 1, 28, 28], seed: 15), seed: 0)["block9"]?.shape == [2, 64, 7, 7])
    let error = try #require(throws: NeuralNetworkError.self) {
      try NoisyClassifier(.mnistCNN, inputShape: [1, 12, 12], seed: 0)
    }
    #expect(error.description.contains("Conv2d"))
    #expect(throws: NeuralNetworkError.self) { try NoisyClassifier(.resnet20, classes: 1, seed: 0) }
  }

  @Test func autoencoderShapesAndCodeRange() throws {
    let ae = try ImageAutoencoder(seed: 2)
    let x = random([3, 1, 28, 28], seed: 11)
    let codes = try ae.encode(x)
    #expect(codes.shape == [3, 4] && codes.scalars.allSatisfy { $0 > 0 && $0 < 1 })
    #expect(try ae.network.outputShape(for: [1, 28, 28]) == [1, 28, 28])
  }
}
