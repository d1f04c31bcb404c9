import ArgumentParser
import InfoPlane

/// `--lr`, `--batch-size`, `--noise`, `--noise-mode` and `--dropout`: how `ib` and `train` train the noisy classifier
/// (the paper's settings by default: Adam 1e-3, batch 1024, relative noise σ = 1e-3 on every learned layer's input,
/// dropout 0.1).
struct NetworkOptions: ParsableArguments {
  @Option(help: "Adam learning rate (default: 0.001, or the --preset's).")
  var lr: Float?

  /// `--lr`, or the default 1e-3.
  var learningRate: Float { lr ?? 1e-3 }

  @Option(help: "Mini-batch size.")
  var batchSize = 1024

  @Option(help: "Noise σ at every learned layer's input (on at inference too).")
  var noise: Float = 1e-3

  @Option(help: "Noise form: relative (x·(1+σε), the paper's) or absolute (x+σε).")
  var noiseMode: Noise.Form = .relative

  @Option(help: "Dropout probability before each convolution block (the CNNs; resnet20 has none).")
  var dropout: Float = 0.1

  /// Checks the ranges, for `train`; `ib` checks the same settings in `ExperimentConfig.validate()`.
  func check() throws {
    guard learningRate > 0, learningRate.isFinite else {
      throw ValidationError("--lr must be a positive number (got \(learningRate)).")
    }
    guard batchSize >= 1, batchSize <= 1 << 24 else {
      throw ValidationError("--batch-size must be in 1…\(1 << 24) (got \(batchSize)).")
    }
    guard noise >= 0, noise.isFinite else { throw ValidationError("--noise must be ≥ 0 (got \(noise)).") }
    guard dropout >= 0, dropout < 1 else { throw ValidationError("--dropout must be in [0, 1) (got \(dropout)).") }
  }
}

extension Noise.Form: ExpressibleByArgument {}
