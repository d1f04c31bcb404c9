// SGEMM throughput (GFLOP/s) of InfoPlane's `sgemm` next to numpy's matmul (OpenBLAS), 1 and 2 threads.
//
// Run from Benchmarks/: `swift run -c release gemm-bench`, or ../bench/gemm.sh. Options: `--no-numpy` skips the
// reference, `--shapes 512x512x512,...` picks shapes, `--threads 1,2`, `--transpose NT` (ours only), `--rounds R`
// (default 3) alternates ours and numpy R times and keeps each side's best median (a shared machine's load comes
// and goes; this gives both the same chances), `--cpu-time` times by process CPU time (single-thread tuning on a
// busy machine). Timing: one warm-up call, then the median of at least 7 repeats and at least 0.3 s. The numpy
// reference is ../bench/gemm.py, run as a subprocess per thread count (OPENBLAS_NUM_THREADS). The load average is
// printed before and after.
import Foundation
import InfoPlane
@_spi(Benchmarks) import Tensor

let defaultShapes = "256x256x256,512x512x512,1024x1024x1024,64x12544x576,32x50176x25"

struct Options {
  var shapes: [(m: Int, n: Int, k: Int)] = []
  var threads = [1, 2]
  var numpy = true
  /// Rates from process CPU time instead of wall time (robust to time-sharing; meaningful for 1 thread only).
  var cpuTime = false
  /// Alternating rounds of ours and numpy; each cell reports the best round's median (a shared machine's load
  /// comes and goes, and this gives both sides the same chances at a quiet moment).
  var rounds = 3
  /// op(A), op(B) for our side: "NN" (default), "NT", "TN" or "TT" (numpy always multiplies row-major A·B).
  var transpose = (Transpose.none, Transpose.none)

  init(_ arguments: [String]) {
    var shapeList = defaultShapes
    var i = 0
    while i < arguments.count {
      switch arguments[i] {
      case "--no-numpy": numpy = false
      case "--cpu-time": cpuTime = true
      case "--rounds" where i + 1 < arguments.count:
        i += 1
        rounds = max(1, Int(arguments[i]) ?? 1)
      case "--transpose" where i + 1 < arguments.count:
        i += 1
        let letters = Array(arguments[i].uppercased())
        guard letters.count == 2, letters.allSatisfy({ $0 == "N" || $0 == "T" }) else {
          FileHandle.standardError.write(Data("gemm-bench: --transpose takes NN, NT, TN or TT\n".utf8))
          exit(2)
        }
        transpose = (letters[0] == "N" ? .none : .transposed, letters[1] == "N" ? .none : .transposed)
      case "--shapes" where i + 1 < arguments.count:
        i += 1
        shapeList = arguments[i]
      case "--threads" where i + 1 < arguments.count:
        i += 1
        threads = arguments[i].split(separator: ",").compactMap { Int($0) }
      default:
        FileHandle.standardError.write(Data("gemm-bench: unknown argument \(arguments[i])\n".utf8))
        exit(2)
      }
      i += 1
    }
    shapes = shapeList.split(separator: ",").map { text in
      let v = text.split(separator: "x").compactMap { Int($0) }
      precondition(v.count == 3, "shape \(text) is not MxNxK")
      return (v[0], v[1], v[2])
    }
  }
}

func loadAverage() -> String {
  (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
    .joined(separator: " ") ?? "n/a"
}

func now() -> Double {
  var t = timespec()
  clock_gettime(options.cpuTime ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Median GFLOP/s of `sgemm` on an m×k by k×n product with the current thread cap.
func measure(m: Int, n: Int, k: Int) -> Double {
  var rng = Xoshiro256(seed: 0)
  let a = (0..<(m * k)).map { _ in Float(rng.nextUniform() * 2 - 1) }
  let b = (0..<(k * n)).map { _ in Float(rng.nextUniform() * 2 - 1) }
  var c = [Float](repeating: 0, count: m * n)
  return c.withUnsafeMutableBufferPointer { c in
    let output = c.baseAddress!
    let (transA, transB) = options.transpose
    let lda = transA == .none ? k : m
    let ldb = transB == .none ? n : k
    let run = {
      sgemm(transA, transB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: output, ldc: n)
    }
    run()
    var times: [Double] = []
    let start = now()
    while times.count < 7 || now() - start < 0.3 {
      let t0 = now()
      run()
      times.append(now() - t0)
    }
    times.sort()
    return 2 * Double(m) * Double(n) * Double(k) / times[times.count / 2] / 1e9
  }
}

/// numpy's GFLOP/s per shape from ../bench/gemm.py with `threads` OpenBLAS threads, or nil if it cannot run.
func numpy(threads: Int, shapes: [(m: Int, n: Int, k: Int)]) -> [String: Double]? {
  let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
    "../../../bench/gemm.py"
  ).standardized.path
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [
    "python3", script, "--threads", "\(threads)", "--shapes", shapes.map { "\($0.m)x\($0.n)x\($0.k)" }.joined(separator: ","),
  ] + (options.cpuTime ? ["--cpu-time"] : [])
  let pipe = Pipe()
  process.standardOutput = pipe
  do { try process.run() } catch { return nil }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { return nil }
  return (try? JSONSerialization.jsonObject(with: data)) as? [String: Double]
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let loadBefore = loadAverage()
var ours: [Int: [Double]] = [:]
var reference: [Int: [String: Double]] = [:]
for _ in 0..<options.rounds {
  for threads in options.threads {
    Parallelism.setMaximumThreads(threads)
    let round = options.shapes.map { measure(m: $0.m, n: $0.n, k: $0.k) }
    ours[threads] = zip(ours[threads] ?? round, round).map { max($0, $1) }
    if options.numpy, let theirs = numpy(threads: threads, shapes: options.shapes) {
      reference[threads] = (reference[threads] ?? theirs).merging(theirs) { max($0, $1) }
    }
  }
}
let loadAfter = loadAverage()

func format(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "–" }

var header = "| M×N×K |"
var rule = "|---|"
for t in options.threads {
  header += " ours \(t)T | numpy \(t)T | ratio \(t)T |"
  rule += "---:|---:|---:|"
}
let transposeLabel = [options.transpose.0, options.transpose.1].map { $0 == .none ? "N" : "T" }.joined()
print("SGEMM \(transposeLabel) GFLOP/s (best of \(options.rounds) rounds of medians; load average before \(loadBefore), after \(loadAfter); kernel ISA level \(sgemmKernelDescription))")
print()
print(header)
print(rule)
for (index, shape) in options.shapes.enumerated() {
  let key = "\(shape.m)x\(shape.n)x\(shape.k)"
  var line = "| \(shape.m)×\(shape.n)×\(shape.k) |"
  for t in options.threads {
    let mine = ours[t]![index]
    let theirs = reference[t]?[key]
    line += " \(format(mine)) | \(format(theirs)) | \(theirs.map { String(format: "%.2f", mine / $0) } ?? "–") |"
  }
  print(line)
}
