/// Gaussian noise added to a layer's input (docs/method.md §5): what makes a network stochastic, so that I(X;L) is
/// finite.
public enum Noise: Sendable, Equatable, Codable {
  /// y = x + σ·ε, ε ~ N(0, I).
  case additive(sigma: Float)
  /// y = x·(1 + σ·ε): the noise-to-signal ratio σ of the paper's classifier.
  case relative(sigma: Float)

  /// The two forms, as named on the command line (`--noise-mode`) and in a run's `config.json`.
  public enum Form: String, Sendable, Codable, CaseIterable {
    /// x·(1 + σε), the paper's.
    case relative
    /// x + σε; named `absolute` on the command line and in config.json.
    case additive = "absolute"
  }

  /// Noise of `form` with standard deviation (or noise-to-signal ratio) `sigma`.
  public init(_ form: Form, sigma: Float) {
    switch form {
    case .relative: self = .relative(sigma: sigma)
    case .additive: self = .additive(sigma: sigma)
    }
  }

  /// σ of either kind.
  public var sigma: Float {
    switch self {
    case let .additive(sigma), let .relative(sigma): sigma
    }
  }

  /// Which form this is.
  public var form: Form {
    switch self {
    case .additive: .additive
    case .relative: .relative
    }
  }
}
