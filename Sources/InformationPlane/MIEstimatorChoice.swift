import Estimators
import NeuralEstimators
import Tensor

/// The MI estimator, as named on the command line (`--estimator`) and in a run's `config.json`: the one type behind
/// `estimate`, `validate`, `ib` and `analyze`.
///
/// `auto` is the default of `ib`, `analyze` and `validate`, chosen from the known-truth tables of
/// docs/estimator-evidence.md: I(L;Y) by Ross's estimator (right on class clusters and softmax codes, where the
/// paper's difference of entropies is not); I(X;L) by KSG when both codes have at most 2 coordinates (the smaller error
/// there: noisy-quantized d = 1, blobs AE(2)), otherwise by the paper's whitened WKL (the smaller error on 4 + 4-dimensional
/// noisy-quantized, linear-network and cluster-codes tasks, where KSG is biased low) unless that estimate is flagged,
/// negative or fails — degenerate codes, any value below zero, a singular covariance — and then by KSG with Gao et al.'s
/// tie rule.
/// `wkl` is the paper's estimator exactly as published; `ksg` is the default of `estimate`.
public enum MIEstimatorChoice: String, Sendable, Codable, CaseIterable {
  /// I(L;Y) by `ksg`'s Ross estimator; I(X;L) by `ksg` for codes of ≤ 2 coordinates per side, else by `wkl`, or by
  /// `ksg` where `wkl` is flagged, negative or fails (noted).
  case auto
  /// Weighted Kozachenko–Leonenko entropies (the paper's final choice): I = H(X)+H(L)−H(X,L), whitened; labels by
  /// I(L;Y) = H(L) − Σ p(y)·H(L|y).
  case wkl
  /// Classic Kozachenko–Leonenko entropies (the k-th neighbour), whitened, in the same two forms.
  case kl
  /// KSG algorithm 1 for I(X;L) (Gao et al.'s tie rule, standardised columns); for I(L;Y) the Ross (2014)
  /// continuous–discrete estimator (`KSGLabelMI`).
  case ksg
  /// KSG algorithm 2 for I(X;L); labels as `ksg`.
  case ksg2
  /// The paper's difference of entropies under its own name: the same as `wkl`.
  case entropySum = "entropy-sum"
  /// The closed form for jointly Gaussian variables, from log-determinants of covariances (continuous pairs only).
  case gaussian
  /// MINE: the Donsker–Varadhan lower bound with a trained critic (`NeuralMIEstimator`; continuous pairs only).
  case mine
  /// NWJ: the f-divergence lower bound with a trained critic (continuous pairs only).
  case nwj
  /// InfoNCE: the contrastive lower bound, at most log(batch) (continuous pairs only).
  case infonce

  /// Whether this is a neural lower bound (a critic trained on the samples) rather than a k-NN or closed form.
  public var isNeural: Bool { self == .mine || self == .nwj || self == .infonce }

  /// Whether this estimator is KSG-type (columns standardised, exact ties counted) rather than an entropy sum.
  public var isKSGType: Bool { self == .ksg || self == .ksg2 }

  /// Whether this estimator is a sum of k-NN entropies (whitened, ties jittered, `StandardErrorRule` applies).
  public var isEntropySum: Bool { self == .wkl || self == .kl || self == .entropySum }

  /// How the estimators treat the data beyond the choice itself; the defaults are those of `ib` and `analyze`.
  public struct Settings: Sendable, Equatable {
    /// Neighbours per sample (k-NN estimators).
    public var k = 5
    /// Seed of any tie-breaking jitter.
    public var seed: UInt64 = 0
    /// Standard errors of the entropy sums.
    public var standardErrorRule: StandardErrorRule = .sumOfParts
    /// Entropy sums: whiten each variable first.
    public var whiten = true
    /// Entropy sums: jitter exactly repeated values (seeded) so k-NN distances are positive.
    public var jitterEntropyTies = true
    /// KSG: jitter exact ties instead of counting them by Gao et al.'s rule.
    public var jitterKSGTies = false
    /// KSG: standardise every column (scale-free estimates).
    public var standardizeKSG = true
    /// Neural bounds: critic training steps (nil: `NeuralMIEstimator`'s default, 3000).
    public var neuralSteps: Int?
    /// Neural bounds: pairs per batch (nil: 512; 64 for InfoNCE).
    public var neuralBatch: Int?
    /// Neural bounds: Adam's learning rate (nil: 1e-3).
    public var neuralLearningRate: Double?
    /// Neural bounds: share of the samples held out for the reported bound (nil: 0.3).
    public var heldOutFraction: Double?

    /// `k` neighbours per sample, the jitter `seed` and the standard-error rule; the other settings at their
    /// defaults.
    public init(k: Int = 5, seed: UInt64 = 0, standardErrorRule: StandardErrorRule = .sumOfParts) {
      self.k = k
      self.seed = seed
      self.standardErrorRule = standardErrorRule
    }

    /// The preprocessing `choice` applies under these settings.
    func preprocessing(for choice: MIEstimatorChoice) -> Preprocessing {
      switch choice {
      case .ksg, .ksg2:
        Preprocessing(breakTies: jitterKSGTies, standardize: standardizeKSG, seed: seed)
      case .gaussian: Preprocessing(breakTies: false, standardize: false, seed: seed)
      default: Preprocessing(breakTies: jitterEntropyTies, standardize: false, seed: seed)
      }
    }
  }

  /// I(A;B) between two continuous codes (n × da and n × db), in nats. `rule` applies to the entropy-sum
  /// estimators (KSG has its own).
  func continuous(_ a: Matrix, _ b: Matrix, k: Int, seed: UInt64, rule: StandardErrorRule = .sumOfParts) throws
    -> Estimate
  {
    try estimate(a, b, settings: Settings(k: k, seed: seed, standardErrorRule: rule))
  }

  /// I(A;Y) between a continuous code (n × d) and n class labels, in nats.
  func labels(_ a: Matrix, _ labels: [Int32], k: Int, seed: UInt64, rule: StandardErrorRule = .sumOfParts) throws
    -> Estimate
  {
    try estimate(a, labels: labels, settings: Settings(k: k, seed: seed, standardErrorRule: rule))
  }

  /// I(A;B) between two continuous variables (n × da and n × db, rows paired), in nats.
  /// - Throws: `EstimatorError` for the input (non-finite values, n ≤ k, mismatched rows, singular covariances).
  public func estimate(_ a: Matrix, _ b: Matrix, settings: Settings = Settings()) throws -> Estimate {
    let (k, rule) = (settings.k, settings.standardErrorRule)
    let preprocessing = settings.preprocessing(for: self)
    switch self {
    case .auto:
      if a.columns <= 2 && b.columns <= 2 { return try MIEstimatorChoice.ksg.estimate(a, b, settings: settings) }
      var reason: String
      do {
        let first = try MIEstimatorChoice.wkl.estimate(a, b, settings: settings)
        if first.isFlagged {
          reason = "was flagged (" + first.flags.compactMap(\.flagName).joined(separator: ", ") + ")"
        } else if first.value < 0 {
          // MI is never negative. Where WKL reads below 0 either the truth is near 0, where KSG is nearly unbiased,
          // or WKL is failing (saturating softmax codes drift to −4 nats): KSG's value is the better one either way.
          reason = "was negative (\(formatted(first.value)) nats)"
        } else {
          return first
        }
      } catch let error as EstimatorError {
        reason = "failed (\(error.description))"
      }
      var fallback = try MIEstimatorChoice.ksg.estimate(a, b, settings: settings)
      fallback.notes.insert(.fallback(from: "wkl", to: "ksg", reason: reason), at: 0)
      return fallback
    case .wkl, .entropySum:
      return try EntropySumMI(
        entropy: WKLEntropy(k: k, whiten: settings.whiten, preprocessing: preprocessing), standardErrorRule: rule
      ).estimate(a, b)
    case .kl:
      return try EntropySumMI(
        entropy: KLEntropy(k: k, whiten: settings.whiten, preprocessing: preprocessing), standardErrorRule: rule
      ).estimate(a, b)
    case .ksg: return try KSG(k: k, algorithm: .one, preprocessing: preprocessing).estimate(a, b)
    case .ksg2: return try KSG(k: k, algorithm: .two, preprocessing: preprocessing).estimate(a, b)
    case .gaussian: return try GaussianMI(preprocessing: preprocessing).estimate(a, b)
    case .mine, .nwj, .infonce: return try neuralEstimate(a, b, settings: settings)
    }
  }

  /// A neural bound's estimate, with the note that it is a lower bound and, for InfoNCE near log(batch), the
  /// ceiling flag.
  /// - Throws: `NeuralEstimatorError` (settings, too few samples, divergence naming the step).
  /// - Parameter progress: called after each held-out evaluation with a line such as
  ///   "mine: step 300/3000, held-out bound 0.912 nats".
  package func neuralEstimate(
    _ a: Matrix, _ b: Matrix, settings: Settings, progress: (String) -> Void = { _ in }
  ) throws -> Estimate {
    let estimator = neuralEstimator(settings)
    let result = try estimator.estimate(a, b) { progress(progressLine($0, $1, of: estimator.steps)) }
    return finished(result, estimator, rows: a.rows)
  }

  /// A neural bound's estimate on samples of any shape `[n, …]`: images (`[n, C, H, W]`, `[n, H, W]`) keep their
  /// shape for the critic's conv tower (`NeuralMIEstimator.estimate(samples:_:progress:)`).
  /// - Throws: `NeuralEstimatorError` (settings, too few samples, divergence naming the step).
  package func neuralEstimate(
    samples a: Tensor, _ b: Tensor, settings: Settings, progress: (String) -> Void = { _ in }
  ) throws -> Estimate {
    let estimator = neuralEstimator(settings)
    let result = try estimator.estimate(samples: a, b) { progress(progressLine($0, $1, of: estimator.steps)) }
    return finished(result, estimator, rows: a.shape.first ?? 0)
  }

  /// Checks a neural bound's settings against `samples` pairs before any work starts (nothing for other estimators).
  /// - Throws: `NeuralEstimatorError.invalidSetting` naming the option; `.tooFewSamples`.
  package func checkNeural(_ settings: Settings, samples: Int) throws {
    guard isNeural else { return }
    try neuralEstimator(settings).check(samples: samples)
  }

  /// The neural estimator of this bound with `settings` applied.
  private func neuralEstimator(_ settings: Settings) -> NeuralMIEstimator {
    var estimator = NeuralMIEstimator(bound: VariationalBound(rawValue: rawValue)!)
    estimator.seed = settings.seed
    if let steps = settings.neuralSteps { estimator.steps = steps }
    if let batch = settings.neuralBatch { estimator.batchSize = batch }
    if let rate = settings.neuralLearningRate { estimator.learningRate = rate }
    if let share = settings.heldOutFraction { estimator.heldOutFraction = share }
    return estimator
  }

  private func progressLine(_ step: Int, _ value: Double, of steps: Int) -> String {
    String(format: "%@: step %d/%d, held-out bound %.3f nats", rawValue, step, steps, value)
  }

  /// The result's estimate with the lower-bound note and, for InfoNCE near log(batch), the ceiling flag; below zero
  /// beyond 3 standard errors it is flagged `below-zero` like every estimate.
  private func finished(_ result: NeuralMIEstimator.Result, _ estimator: NeuralMIEstimator, rows: Int) -> Estimate {
    var estimate = result.estimate
    let heldOut = NeuralMIEstimator.split(rows, heldOutFraction: estimator.heldOutFraction).heldOut
    estimate.notes.append(.lowerBound(bound: rawValue, steps: estimator.steps, heldOut: heldOut))
    if let ceiling = result.ceiling, estimate.value >= ceiling - 0.1 { estimate.notes.append(.atCeiling(ceiling)) }
    // A held-out bound below zero beyond its noise: the critic fits its training part, not the dependence.
    return estimate.checkingBounds()
  }

  /// I(A;Y) between a continuous variable (n × d) and n class labels, in nats.
  /// - Throws: `EstimatorError` for the input; `.unsupported` for `gaussian`, which has no form for labels.
  public func estimate(_ a: Matrix, labels: [Int32], settings: Settings = Settings()) throws -> Estimate {
    let (k, rule) = (settings.k, settings.standardErrorRule)
    let preprocessing = settings.preprocessing(for: self)
    switch self {
    case .wkl, .entropySum:
      return try LabelMI(
        entropy: WKLEntropy(k: k, whiten: settings.whiten, preprocessing: preprocessing), standardErrorRule: rule
      ).estimate(a, labels: labels)
    case .kl:
      return try LabelMI(
        entropy: KLEntropy(k: k, whiten: settings.whiten, preprocessing: preprocessing), standardErrorRule: rule
      ).estimate(a, labels: labels)
    case .auto, .ksg, .ksg2:
      return try KSGLabelMI(k: k, preprocessing: settings.preprocessing(for: .ksg)).estimate(a, labels: labels)
    case .gaussian:
      throw EstimatorError.unsupported("the gaussian estimator has no form for class labels; use ksg, kl or wkl")
    case .mine, .nwj, .infonce:
      throw EstimatorError.unsupported(
        "the neural bound \(rawValue) has no form for class labels here; use ksg, kl or wkl")
    }
  }
}
