// nn-bench: training throughput and the 10k-image probed forward pass of the METHOD.md §10.1 classifier, at 1 and
// 2 threads, side by side with ../bench/torch_classifier.py; then the input autoencoder's training epoch (§6.3, as
// `ib` trains it: L1 loss, Adam 1e-2, batch 512, 60 000 images) side by side with ../bench/torch_autoencoder_epoch.py
// (both references run in the same invocation when python3 has torch).
//
//   swift run -c release nn-bench [--data-dir DIR] [--epochs-timed 1] [--no-torch] [--parts classifier,autoencoder]
//                                 [--conv automatic|im2col|direct] [--threads 1,2]
//
// Data: Fashion-MNIST IDX files (.gz or raw) from DIR (default /usr/share/datasets/fashion-mnist); random images of
// the same shape when they are absent (throughput does not depend on pixel values).
import Foundation
import InfoPlane
@_spi(Benchmarks) import Datasets
@_spi(Benchmarks) import Estimators
@_spi(Benchmarks) import NeuralNetwork
@_spi(Benchmarks) import Tensor

func idxBytes(_ directory: String, _ name: String) -> Data? {
  let raw = URL(fileURLWithPath: directory).appendingPathComponent(name)
  if let data = try? Data(contentsOf: raw) { return data }
  let gz = raw.appendingPathExtension("gz")
  guard FileManager.default.fileExists(atPath: gz.path) else { return nil }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/sh")
  process.arguments = ["-c", "gzip -dc '\(gz.path)'"]
  let pipe = Pipe()
  process.standardOutput = pipe
  try? process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return data
}

func loadImages(_ directory: String, _ name: String, count: Int, seed: UInt64) -> Tensor {
  if let data = idxBytes(directory, name), data.count == 16 + count * 784 {
    return ImageNormalization.fashionMNIST(Array(data.dropFirst(16)), shape: [count, 1, 28, 28])
  }
  var rng = Xoshiro256(seed: seed)
  return Tensor.normal([count, 1, 28, 28], using: &rng)
}

func loadLabels(_ directory: String, _ name: String, count: Int, seed: UInt64) -> [Int32] {
  if let data = idxBytes(directory, name), data.count == 8 + count { return data.dropFirst(8).map { Int32($0) } }
  var rng = Xoshiro256(seed: seed)
  return (0..<count).map { _ in Int32(rng.nextInt(below: 10)) }
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

HeapTuning.keepFreedBlocks()  // as the infoplane executable does
var arguments = CommandLine.arguments.dropFirst()
var dataDir = "/usr/share/datasets/fashion-mnist"
var epochsTimed = 1
var runTorch = true
var parts: Set<String> = ["classifier", "autoencoder"]
var threadCounts = [1, 2]
while let a = arguments.popFirst() {
  switch a {
  case "--data-dir": dataDir = arguments.popFirst() ?? dataDir
  case "--epochs-timed": epochsTimed = Int(arguments.popFirst() ?? "1") ?? 1
  case "--no-torch": runTorch = false
  case "--threads": threadCounts = (arguments.popFirst() ?? "1,2").split(separator: ",").compactMap { Int($0) }
  case "--parts": parts = Set((arguments.popFirst() ?? "").split(separator: ",").map(String.init))
  case "--conv":
    let name = arguments.popFirst() ?? ""
    guard let algorithm = ConvolutionAlgorithm.allCases.first(where: { "\($0)" == name }) else {
      print("--conv takes automatic, im2col or direct"); exit(2)
    }
    ConvolutionAlgorithm.current = algorithm
  default: print("unknown argument \(a)"); exit(2)
  }
}

let trainImages = loadImages(dataDir, "train-images-idx3-ubyte", count: 60_000, seed: 1)
let trainLabels = loadLabels(dataDir, "train-labels-idx1-ubyte", count: 60_000, seed: 2)
let testImages = loadImages(dataDir, "t10k-images-idx3-ubyte", count: 10_000, seed: 3)
print("convolution: \(ConvolutionAlgorithm.current)")
print("load: \((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?")")

/// Runs a Python reference script with arguments; its standard output, or nil when it cannot run.
func runPython(_ scriptName: String, _ args: [String]) -> String? {
  let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../bench/\(scriptName)").standardized.path
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", script] + args
  let pipe = Pipe()
  process.standardOutput = pipe
  do {
    try process.run()
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return process.terminationStatus == 0 ? out : nil
  } catch {
    return nil
  }
}

struct Row {
  var threads: Int
  var trainImagesPerSecond: Double
  var forwardSeconds: Double
}
var rows: [Row] = []
for threads in parts.contains("classifier") ? threadCounts : [] {
  Parallelism.setMaximumThreads(threads)
  let classifier = try NoisyClassifier(noise: .relative(sigma: 1e-3), dropout: 0.1, seed: 0)
  var trainer = Trainer(model: classifier.network,
    optimizer: Adam(parameters: classifier.network.namedParameters, learningRate: 1e-3), lossFunction: .nll, seed: 0)
  let loader = try DataLoader(images: trainImages, labels: trainLabels, classes: 10, batchSize: 1024, shuffle: true, seed: 0)
  // Warm-up: a few steps of a throw-away copy of the model.
  let warmModel = try NoisyClassifier(noise: .relative(sigma: 1e-3), dropout: 0.1, seed: 1).network
  var warm = Trainer(model: warmModel, optimizer: Adam(parameters: warmModel.namedParameters), lossFunction: .nll, seed: 1)
  for b in 0..<3 {
    let batch = loader.batch(b, order: loader.order(epoch: 0))
    _ = try warm.step(batch.images, target: .labels(batch.labels))
  }
  var epochSeconds: [Double] = []
  for _ in 0..<epochsTimed {
    let t0 = Date()
    _ = try trainer.trainEpoch(loader)
    epochSeconds.append(Date().timeIntervalSince(t0))
  }
  _ = try classifier.probe(testImages, seed: 1)  // warm-up
  var forward: [Double] = []
  for r in 0..<5 {
    let t0 = Date()
    let probes = try classifier.probe(testImages, batchSize: 2048, seed: UInt64(r))
    forward.append(Date().timeIntervalSince(t0))
    precondition(probes.count == 6)
  }
  let row = Row(threads: threads, trainImagesPerSecond: 60_000 / median(epochSeconds), forwardSeconds: median(forward))
  rows.append(row)
  print(String(format: "swift  threads=%d  train %.0f images/s (epoch %.2f s)  forward 10k with all probes %.3f s",
    threads, row.trainImagesPerSecond, median(epochSeconds), row.forwardSeconds))
}
Parallelism.setMaximumThreads(0)

if runTorch && parts.contains("classifier") {
  if let out = runPython("torch_classifier.py", ["--data-dir", dataDir, "--epochs-timed", "\(epochsTimed)"]) {
    print(out, terminator: "")
    // Lines: "torch  threads=T  train R images/s ... forward S s"
    var torch: [Int: (Double, Double)] = [:]
    for line in out.split(separator: "\n") where line.hasPrefix("torch ") {
      let f = line.split(separator: " ").map(String.init)
      if let t = f.first(where: { $0.hasPrefix("threads=") }).flatMap({ Int($0.dropFirst(8)) }),
        let ti = f.firstIndex(of: "train"), let rate = Double(f[ti + 1]),
        let fi = f.firstIndex(of: "forward"), let secs = Double(f[fi + 1])
      {
        torch[t] = (rate, secs)
      }
    }
    print("\n| threads | Swift train (img/s) | PyTorch train (img/s) | ratio | Swift 10k forward (s) | PyTorch 10k forward (s) | ratio |")
    print("|---|---|---|---|---|---|---|")
    for row in rows {
      guard let (rate, secs) = torch[row.threads] else { continue }
      print(String(format: "| %d | %.0f | %.0f | %.2f× | %.3f | %.3f | %.2f× |", row.threads, row.trainImagesPerSecond, rate,
        row.trainImagesPerSecond / rate, row.forwardSeconds, secs, secs / row.forwardSeconds))
    }
  } else {
    print("PyTorch reference (bench/torch_classifier.py) not run")
  }
}

// The input autoencoder (ImageAutoencoder, latent 4), trained as `ib --x-compressor ae` trains it.
if parts.contains("autoencoder") {
  var swiftEpoch: [Int: Double] = [:]
  for threads in threadCounts {
    Parallelism.setMaximumThreads(threads)
    let autoencoder = try ImageAutoencoder(latent: 4, seed: 0)
    let loader = try DataLoader(
      images: trainImages, labels: trainLabels, classes: 10, batchSize: 512, shuffle: true, seed: 0)
    var trainer = Trainer(
      model: autoencoder.network,
      optimizer: Adam(parameters: autoencoder.network.namedParameters, learningRate: 1e-2), lossFunction: .l1, seed: 0)
    let warm = try ImageAutoencoder(latent: 4, seed: 1)
    var warmTrainer = Trainer(
      model: warm.network, optimizer: Adam(parameters: warm.network.namedParameters), lossFunction: .l1, seed: 1)
    for b in 0..<3 {
      let batch = loader.batch(b, order: loader.order(epoch: 0))
      _ = try warmTrainer.step(batch.images, target: .tensor(batch.images))
    }
    var seconds: [Double] = []
    var loss = 0.0
    for _ in 0..<epochsTimed {
      let t0 = Date()
      loss = try trainer.trainEpoch(loader).loss
      seconds.append(Date().timeIntervalSince(t0))
    }
    swiftEpoch[threads] = median(seconds)
    print(String(format: "swift  autoencoder threads=%d  epoch %.2f s (%.0f images/s), L1 loss %.4f", threads,
      median(seconds), 60_000 / median(seconds), loss))
  }
  Parallelism.setMaximumThreads(0)
  if runTorch {
    print("\n| threads | Swift autoencoder epoch (s) | PyTorch autoencoder epoch (s) | ratio |")
    print("|---|---|---|---|")
    for threads in threadCounts {
      guard let swift = swiftEpoch[threads],
        let out = runPython("torch_autoencoder_epoch.py", [
          "--data-dir", dataDir, "--threads", "\(threads)", "--epochs", "\(epochsTimed)", "--eval", "1024",
        ]),
        let json = try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any],
        let torch = json["seconds_per_epoch"] as? Double
      else {
        print("| \(threads) | \(swiftEpoch[threads].map { String(format: "%.2f", $0) } ?? "?") | not run | |")
        continue
      }
      print(String(format: "| %d | %.2f | %.2f | %.2f× |", threads, swift, torch, torch / swift))
    }
  }
}
