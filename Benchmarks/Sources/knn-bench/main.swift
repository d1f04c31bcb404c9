// KSG mutual information and exact k-NN: InfoPlane next to scipy's cKDTree and scikit-learn, on the same files.
//
// Run from Benchmarks/ after `swift build -c release` in the root (for the `infoplane` binary):
//   swift run -c release knn-bench ksg      # the KSG table of README "Performance: k-NN and KSG"
//   swift run -c release knn-bench cutover  # KD-tree vs brute force by dimension (NeighbourIndex's cut-over)
// `ksg` writes its data with ../bench/knn_mi.py generate (n = 1e4, 1e5; 1+1, 4+4, 8+8 dims; 1 nat) into
// --data DIR (default /tmp/infoplane-knn-bench), then for each file pair, in this one run: the scipy KSG script and
// sklearn's mutual_info_regression (1+1 only) as subprocesses, InfoPlane's `KSG` in process, and the
// `infoplane estimate` binary end to end (process start, .npy reading and all). Timing: one warm-up, then the
// median of --repeats runs (default 3; a single run without warm-up at n = 1e5). Tie-breaking is off on every side, so the
// estimates must agree to 1e-6. All cores are used everywhere (scipy `workers=-1`, sklearn `n_jobs=-1`).
import Foundation
import InfoPlane

struct Options {
  var mode = "ksg"
  var data = "/tmp/infoplane-knn-bench"
  var python = "python3"
  var script = "../bench/knn_mi.py"
  var infoplane = "../.build/release/infoplane"
  var repeats = 3
  var sizes = [10_000, 100_000]
  var dims = [1, 4, 8]

  init(_ arguments: [String]) {
    var i = 0
    func value() -> String {
      i += 1
      guard i < arguments.count else { fail("\(arguments[i - 1]) needs a value") }
      return arguments[i]
    }
    while i < arguments.count {
      switch arguments[i] {
      case "ksg", "cutover": mode = arguments[i]
      case "--data": data = value()
      case "--python": python = value()
      case "--script": script = value()
      case "--infoplane": infoplane = value()
      case "--repeats": repeats = Int(value()) ?? 3
      case "--sizes": sizes = value().split(separator: ",").compactMap { Int($0) }
      case "--dims": dims = value().split(separator: ",").compactMap { Int($0) }
      default: fail("unknown argument \(arguments[i])")
      }
      i += 1
    }
  }
}

/// Writes a line to stdout unbuffered, so a long run shows its rows as they finish.
func out(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("knn-bench: \(message)\n".utf8))
  exit(2)
}

func loadAverage() -> String {
  (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
    .joined(separator: " ") ?? "n/a"
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// One warm-up call (none when `repeats` is 1), then the median wall time of `repeats` calls, and the last result.
func timed<T>(_ repeats: Int, _ body: () throws -> T) rethrows -> (T, Double) {
  if repeats > 1 { _ = try body() }
  var times = [Double]()
  var results = [T]()
  for _ in 0..<max(1, repeats) {
    let t = now()
    results.append(try body())
    times.append(now() - t)
  }
  return (results[results.count - 1], times.sorted()[times.count / 2])
}

/// Runs a program and returns its stdout; exits on failure.
func run(_ program: String, _ arguments: [String]) -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [program] + arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  do { try process.run() } catch { fail("cannot run \(program): \(error)") }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { fail("\(program) \(arguments.joined(separator: " ")) failed") }
  return String(decoding: data, as: UTF8.self)
}

func json(_ text: String) -> [String: Any] {
  let line = text.split(separator: "\n").last.map(String.init) ?? ""
  return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
}

func seconds(_ s: Double?) -> String {
  guard let s else { return "–" }
  return s < 1 ? String(format: "%.3f", s) : String(format: "%.2f", s)
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
out("knn-bench \(options.mode): \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(loadAverage())")

switch options.mode {
case "cutover":
  // kNearest(k: 5) of every sample, Gaussian data, KD-tree vs brute force, median of 3.
  out("| n | d | metric | KD-tree s | brute force s | faster |")
  out("|---|---|---|---|---|---|")
  for n in options.sizes.map({ min($0, 30_000) }) {
    for d in [6, 8, 10, 12, 14, 16, 20] {
      var rng = Xoshiro256(seed: UInt64(d))
      let x = Matrix(rows: n, columns: d, scalars: (0..<(n * d)).map { _ in rng.nextGaussian() })
      for metric in Metric.allCases {
        let (a, tt) = timed(3) { NeighbourIndex(x, metric: metric, method: .kdTree).kNearest(k: 5) }
        let (b, tb) = timed(3) { NeighbourIndex(x, metric: metric, method: .bruteForce).kNearest(k: 5) }
        precondition(a == b, "KD-tree and brute force disagree at n = \(n), d = \(d)")
        out("| \(n) | \(d) | \(metric.rawValue) | \(seconds(tt)) | \(seconds(tb)) | \(tt <= tb ? "tree" : "brute") |")
      }
    }
  }
default:
  _ = run(options.python, [options.script, "generate", options.data])
  let haveCLI = FileManager.default.isExecutableFile(atPath: options.infoplane)
  if !haveCLI { out("(no \(options.infoplane); run `swift build -c release` in the root for the CLI column)") }
  out("| n | dims | scipy cKDTree KSG s | sklearn s | InfoPlane KSG s | `infoplane estimate` s | speed-up vs scipy (library / CLI) | InfoPlane MI | scipy MI | abs. difference |")
  out("|---|---|---|---|---|---|---|---|---|---|")
  for n in options.sizes {
    for d in options.dims {
      let xPath = "\(options.data)/x_\(n)_\(d).npy", yPath = "\(options.data)/y_\(n)_\(d).npy"
      let repeats = n >= 100_000 ? 1 : options.repeats
      var args = [options.script, "ksg", xPath, yPath, "--repeats", String(repeats)]
      if d == 1 { args.append("--sklearn") }
      let reference = json(run(options.python, args))
      let x = try NPY.read(contentsOf: URL(fileURLWithPath: xPath)).matrix()
      let y = try NPY.read(contentsOf: URL(fileURLWithPath: yPath)).matrix()
      let ksg = KSG(k: 5, preprocessing: Preprocessing(breakTies: false))
      let (estimate, library) = try timed(repeats) { try ksg.estimate(x, y) }
      var cli: Double?
      if haveCLI {
        let cliArguments = ["estimate", xPath, yPath, "--json", "--no-tie-breaking", "-k", "5"]
        let (output, t) = timed(repeats) { run(options.infoplane, cliArguments) }
        cli = t
        let cliMI = json(output)["mi"] as? Double
        if let cliMI, abs(cliMI - estimate.value) > 1e-12 { fail("CLI and library differ: \(cliMI) vs \(estimate.value)") }
      }
      let scipyMI = reference["scipy_mi"] as? Double ?? .nan, scipyTime = reference["scipy_seconds"] as? Double
      let speedup = scipyTime.map { s in
        String(format: "%.1f×", s / library) + (cli.map { String(format: " / %.1f×", s / $0) } ?? "")
      } ?? "–"
      out(
        "| \(n) | \(d)+\(d) | \(seconds(scipyTime)) | \(seconds(reference["sklearn_seconds"] as? Double)) | "
          + "\(seconds(library)) | \(seconds(cli)) | \(speedup) | \(String(format: "%.6f", estimate.value)) | "
          + "\(String(format: "%.6f", scipyMI)) | \(String(format: "%.1e", abs(estimate.value - scipyMI))) |")
    }
  }
}
out("load average after: \(loadAverage())")
