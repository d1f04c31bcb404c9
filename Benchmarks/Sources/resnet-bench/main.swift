// resnet-bench: ResNet-20 (noisy, as `infoplane ib --model resnet20` trains it) on 32×32×3 images — training
// throughput at batch 128 (ResNet's usual) and the forward pass of 10 000 images with every probe — at 1 and 2
// threads, side by side with ../bench/torch_resnet.py (the same architecture in PyTorch, run in the same invocation
// when python3 has torch).
//
//   swift run -c release resnet-bench [--batch 128] [--steps 20] [--repeats 3] [--eval-samples 10000] [--threads 1,2]
//                                     [--conv automatic|im2col|direct] [--no-torch]
//
// Random images and labels: throughput does not depend on pixel values.
import Foundation
import InfoPlane
@_spi(Benchmarks) import NeuralNetwork
@_spi(Benchmarks) import Tensor

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

var arguments = CommandLine.arguments.dropFirst()
var batch = 128, steps = 20, repeats = 3, evalSamples = 10_000
var threadCounts = [1, 2]
var runTorch = true
while let a = arguments.popFirst() {
  switch a {
  case "--batch": batch = Int(arguments.popFirst() ?? "") ?? batch
  case "--steps": steps = Int(arguments.popFirst() ?? "") ?? steps
  case "--repeats": repeats = Int(arguments.popFirst() ?? "") ?? repeats
  case "--eval-samples": evalSamples = Int(arguments.popFirst() ?? "") ?? evalSamples
  case "--threads": threadCounts = (arguments.popFirst() ?? "1,2").split(separator: ",").compactMap { Int($0) }
  case "--no-torch": runTorch = false
  case "--conv":
    let name = arguments.popFirst() ?? ""
    guard let algorithm = ConvolutionAlgorithm.allCases.first(where: { "\($0)" == name }) else {
      print("--conv takes automatic, im2col or direct"); exit(2)
    }
    ConvolutionAlgorithm.current = algorithm
  default: print("unknown argument \(a)"); exit(2)
  }
}

HeapTuning.keepFreedBlocks()  // as the infoplane executable does
var rng = Xoshiro256(seed: 1)
let trainImages = Tensor.normal([batch * 4, 3, 32, 32], using: &rng)
let trainLabels = (0..<(batch * 4)).map { _ in Int32(rng.nextInt(below: 10)) }
let evalImages = Tensor.normal([evalSamples, 3, 32, 32], using: &rng)

print("convolution: \(ConvolutionAlgorithm.current)")
print("load: \((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?")")
var swiftRows: [Int: (train: Double, forward: Double)] = [:]
for threads in threadCounts {
  Parallelism.setMaximumThreads(threads)
  let model = try NoisyClassifier(.resnet20, inputShape: [3, 32, 32], seed: 0)
  var trainer = Trainer(
    model: model.network, optimizer: Adam(parameters: model.network.namedParameters, learningRate: 1e-3),
    lossFunction: .nll, seed: 0)
  let loader = try DataLoader(images: trainImages, labels: trainLabels, classes: 10, batchSize: batch, shuffle: false, seed: 0)
  let order = loader.order(epoch: 0)
  for b in 0..<3 { _ = try trainer.step(loader.batch(b % 4, order: order).images, target: .labels(loader.batch(b % 4, order: order).labels)) }
  var rates: [Double] = []
  for _ in 0..<repeats {
    let t0 = Date()
    for s in 0..<steps {
      let b = loader.batch(s % 4, order: order)
      _ = try trainer.step(b.images, target: .labels(b.labels))
    }
    rates.append(Double(steps * batch) / Date().timeIntervalSince(t0))
  }
  var forward: [Double] = []
  for r in 0..<repeats {
    let t0 = Date()
    let probes = try model.probe(evalImages, names: model.probeNames.filter { $0 != "softmax" }, batchSize: 500, seed: UInt64(r))
    forward.append(Date().timeIntervalSince(t0))
    precondition(probes.count == 11)
  }
  swiftRows[threads] = (median(rates), median(forward))
  print(String(format: "swift-resnet20  threads=%d  train %.1f images/s  forward %.2f s  params %d", threads,
    median(rates), median(forward), model.network.parameterCount))
}
Parallelism.setMaximumThreads(0)

if runTorch {
  let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../bench/torch_resnet.py").standardized.path
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", script, "--batch", "\(batch)", "--steps", "\(steps)", "--repeats", "\(repeats)",
    "--eval-samples", "\(evalSamples)", "--threads", threadCounts.map(String.init).joined(separator: ",")]
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  print(out, terminator: "")
  for line in out.split(separator: "\n") where line.hasPrefix("torch-resnet20") {
    let fields = line.split(separator: " ", omittingEmptySubsequences: true)
    guard let t = fields.first(where: { $0.hasPrefix("threads=") }).flatMap({ Int($0.dropFirst(8)) }),
      let trainIndex = fields.firstIndex(of: "train"), let rate = Double(fields[trainIndex + 1]),
      let forwardIndex = fields.firstIndex(of: "forward"), let seconds = Double(fields[forwardIndex + 1]),
      let swift = swiftRows[t]
    else { continue }
    print(String(format: "ratio threads=%d  train %.2f× PyTorch  forward %.2f× PyTorch", t, swift.train / rate,
      seconds / swift.forward))
  }
}
