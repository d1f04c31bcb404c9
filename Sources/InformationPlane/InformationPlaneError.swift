/// Everything the information-plane module reports as going wrong: settings, smoothing, the run directory, the
/// analysed inputs. Each case carries the facts, and `description` says what to do (docs/architecture.md, Conventions §5).
public enum InformationPlaneError: Error, Equatable, CustomStringConvertible {
  // Settings of a run.
  case invalidSetting(name: String, value: String, allowed: String)
  /// A validation setting that cannot work (an empty MI grid, too few samples for k, …), described in `reason`.
  case invalidValidation(String)
  /// Two variables to compress and pair have different numbers of samples (rows).
  case unpairedRows(x: Int, y: Int)
  case tooFewEvaluationSamples(requested: Int, available: Int, split: String)
  case collapsedInputCodes(column: Int, standardDeviation: Double)
  case resumeMismatch(String)
  // Smoothing.
  case invalidWindow(window: Int, polyorder: Int, length: Int)
  case invalidButterworth(order: Int, cutoff: Double)
  // The run directory.
  case directoryNotEmpty(String)
  case notARun(String)
  case corruptTable(String)
  /// A run file (config.json) that cannot be used: its path and what is wrong with it.
  case damagedRunFile(path: String, problem: String)
  // Inputs of `analyze` and of the per-epoch analysis.
  case sampleCountMismatch(layer: String, expected: Int, found: Int)
  case missingInput(String)
  /// A layer of `analyze` whose data cannot be analysed: its epoch, name, file and what is wrong.
  case badLayer(epoch: Int, layer: String, origin: String, reason: String)
  /// A scratch or output file could not be written or read back; the message names it and the cause.
  case ioFailure(String)
  // Sweeps.
  /// A sweep's grid, manifest or point cannot be used; the message names the option, file or point.
  case invalidSweep(String)

  /// What went wrong and what to do about it, for the "Error:" line.
  public var description: String {
    switch self {
    case let .invalidSetting(name, value, allowed): "\(name) is \(value) but must be \(allowed)."
    case let .invalidValidation(reason): "Invalid setting: \(reason)."
    case let .unpairedRows(x, y): "X has \(x) samples but Y has \(y); rows must be paired one to one."
    case let .tooFewEvaluationSamples(requested, available, split):
      "--eval-samples is \(requested) but the \(split) set has only \(available) images; lower --eval-samples."
    case let .collapsedInputCodes(column, sd):
      "The input codes are degenerate (with --x-compressor ae: after 3 trainings from different initialisations): code column \(column) has standard deviation \(sd) over the evaluation images, so "
        + "I(X;L) would be meaningless. Train the autoencoder longer (--ae-epochs), change --ae-lr, or use --x-compressor pca."
    case let .resumeMismatch(detail):
      "Cannot resume: \(detail). Resume with the run's original settings (see its config.json) or start a new --out."
    case let .invalidWindow(window, polyorder, length):
      "Savitzky–Golay needs 1 ≤ window ≤ series length and polyorder < window; got window \(window), polyorder \(polyorder), length \(length)."
    case let .invalidButterworth(order, cutoff):
      "Butterworth low-pass needs order ≥ 1 and 0 < cutoff < 1 (fraction of Nyquist); got order \(order), cutoff \(cutoff)."
    case let .directoryNotEmpty(path):
      "\(path) already holds a run; pass --resume to continue it, or choose another --out directory."
    case let .notARun(path):
      "\(path) is not a run directory (no config.json); check the path, or start a new run without --resume."
    case let .damagedRunFile(path, problem):
      "\(path) is damaged: \(problem). Restore it from a copy (sweep.json holds the settings of a sweep's points), "
        + "or start a new run."
    case let .corruptTable(name):
      "\(name) is not in the expected format (a row cut short, or edited or written by another tool); restore it or "
        + "start a new run."
    case let .sampleCountMismatch(layer, expected, found):
      "\(layer) has \(found) samples but the inputs have \(expected); every layer must hold the same samples in the same order."
    case let .missingInput(detail):
      detail
    case let .badLayer(epoch, layer, origin, reason):
      "Epoch \(epoch), layer \(layer) (\(origin)): \(reason)"
    case let .ioFailure(detail):
      detail
    case let .invalidSweep(detail):
      detail
    }
  }
}
