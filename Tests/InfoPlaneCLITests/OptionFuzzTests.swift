import Foundation
@_spi(Benchmarks) import InfoPlane
import Testing

@testable import infoplane

/// Every numeric option of every command, one at a time, at random and boundary values, on inputs small enough that
/// an accepted value finishes at once: the exit status is 0 or 2, never a trap (which would end this test process)
/// and never 1, and a refusal names the option.
@Suite struct OptionFuzzTests {
  static let boundaries = [
    "-1", "0", "1", "nan", "inf", "-inf", "1e400", "1e-300", "9223372036854775807", "-9223372036854775808", "abc", "",
  ]

  /// (command before the option, numeric options of that command, command after the option).
  static func commands(_ root: URL) throws -> [(base: [String], options: [String])] {
    var rng = Xoshiro256(seed: 5)
    let x = root.appendingPathComponent("x.npy"), y = root.appendingPathComponent("y.npy")
    let xs = Tensor.normal([100, 2], using: &rng)
    try NPY.write(NPYArray(xs), to: x)
    try NPY.write(NPYArray(Tensor(shape: [100, 2], scalars: xs.scalars.map { $0 + 0.5 })), to: y)
    let tiny = ["--train-samples", "100", "--test-samples", "120", "--quiet"]
    return [
      (
        ["ib", "--eval-samples", "120", "--epochs", "1", "--batch-size", "50", "--x-compressor", "pca"] + tiny,
        [
          "--epochs", "--batch-size", "--lr", "--noise", "--dropout", "--x-latent-dim", "--ae-epochs", "--ae-lr",
          "--layer-latent-dim", "--eval-samples", "--smoothing-window", "-k", "--seed", "--train-samples",
          "--test-samples", "--threads",
        ]
      ),
      (
        ["train", "--epochs", "1", "--batch-size", "50"] + tiny,
        ["--epochs", "--batch-size", "--lr", "--noise", "--dropout", "--seed", "--train-samples", "--test-samples"]
      ),
      (
        ["validate", "--task", "gaussian", "--samples", "300", "--training-samples", "300", "--mi", "0,1", "--quiet"],
        [
          "--samples", "--training-samples", "--image-size", "--latent-dim", "--dimension", "-k", "--ae-epochs",
          "--ae-batch-size", "--ae-learning-rate", "--ae-final-learning-rate", "--ae-input-noise", "--ae-code-noise",
          "--seed", "--threads",
        ]
      ),
      (["estimate", x.path, y.path], ["-k", "--seed", "--ae-epochs", "--threads"]),
      (
        ["sweep", "--engine", "slurm", "--dry-run", "--seed", "0,1"] + tiny,
        ["--jobs", "--cpus-per-task", "--max-running"]
      ),
    ]
  }

  @Test func numericOptionsNeverTrap() throws {
    let root = try CLITest.directory("fuzz")
    defer { try? FileManager.default.removeItem(at: root) }
    var rng = Xoshiro256(seed: 11)
    var cases = 0
    var accepted = 0
    for (base, options) in try Self.commands(root) {
      for option in options {
        // Random values below 1 or far above any sensible count: an accepted value must still finish at once.
        let random = (0..<3).map { _ in Int(rng.next() % 1_000_000) }
        let values = Self.boundaries + random.flatMap { [String(-1 - $0), String(20_000_000 + $0 * 1_000_000)] }
        for value in values {
          cases += 1
          let out = root.appendingPathComponent("case\(cases)").path
          let arguments = base + ["--out", out] + [option, value]
          let (status, message) = CLITest.run(base.first == "estimate" ? base + [option, value] : arguments)
          #expect(status == 0 || status == 2, "\(arguments.joined(separator: " ")) → \(status): \(message)")
          if status == 0 { accepted += 1 }
        }
      }
    }
    #expect(cases > 300)
    #expect(accepted > 10, "the bases must run when the value is acceptable")
  }
}
