/// Why a neural MI estimate could not be made; every message names the setting or the training step.
public enum NeuralEstimatorError: Error, Equatable, CustomStringConvertible {
  /// The critic's training diverged: the loss or a score became NaN or infinite at `step` (1-based).
  case diverged(bound: VariationalBound, step: Int, detail: String)
  /// A setting out of range: its name, the value and what is allowed.
  case invalidSetting(name: String, value: String, allowed: String)
  /// Too few samples for the split into training and held-out parts.
  case tooFewSamples(samples: Int, needed: Int)

  /// The message a user reads.
  public var description: String {
    switch self {
    case let .diverged(bound, step, detail):
      "\(bound.rawValue) diverged at training step \(step): \(detail). Lower the learning rate (--neural-lr) or "
        + "standardise the data; no estimate is given."
    case let .invalidSetting(name, value, allowed):
      "\(name) is \(value) but must be \(allowed)."
    case let .tooFewSamples(samples, needed):
      "\(samples) samples are too few for a neural estimate: at least \(needed) (twice the batch) are needed for the "
        + "training and held-out parts; give more samples or a smaller --neural-batch."
    }
  }
}
