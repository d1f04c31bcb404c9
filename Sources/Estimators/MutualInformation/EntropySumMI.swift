import Tensor

/// The paper's continuous–continuous MI: Î = Ĥ(X) + Ĥ(Y) − Ĥ(X, Y), the joint being the column concatenation
/// [X | Y] (docs/method.md §4.1). Each entropy has its own whitening and its own weights, chosen by its own dimension;
/// the standard error is by default the plain sum s_X + s_Y + s_XY, as in the authors' code (`StandardErrorRule`).
/// Not clipped.
public struct EntropySumMI<Entropy: EntropyEstimator>: MutualInformationEstimator {
  /// The entropy estimator for H(X), H(Y) and H(X, Y); its `preprocessing` applies to X and Y.
  public var entropy: Entropy
  /// How the standard error combines those of the three entropies.
  public var standardErrorRule: StandardErrorRule

  /// Î = Ĥ(X) + Ĥ(Y) − Ĥ(X, Y) with `entropy` and `standardErrorRule` (default: the sum of the parts' errors).
  public init(entropy: Entropy, standardErrorRule: StandardErrorRule = .sumOfParts) {
    self.entropy = entropy
    self.standardErrorRule = standardErrorRule
  }

  /// - Throws: `EstimatorError` from the checks and from each entropy (n ≤ k, n ≤ d when whitening, …).
  public func estimate(_ x: Matrix, _ y: Matrix) throws -> Estimate {
    let (px, py, notes) = try preparePair(x, y, entropy.preprocessing)
    let hx = try entropy.entropyTerms(px, variable: "X")
    let hy = try entropy.entropyTerms(py, variable: "Y")
    let hxy = try entropy.entropyTerms(px.concatenatingColumns(py), variable: "(X, Y)")
    let standardError: Double
    switch standardErrorRule {
    case .sumOfParts: standardError = hx.standardError + hy.standardError + hxy.standardError
    case .perSample:
      // Ĥ = −mean v + correction for each part, so the MI's per-sample term is v_XY,i − v_X,i − v_Y,i.
      let terms = (0..<px.rows).map { hxy.perSample[$0] - hx.perSample[$0] - hy.perSample[$0] }
      standardError = meanAndStandardError(terms).standardError
    }
    return Estimate(
      value: hx.value + hy.value - hxy.value,
      standardError: standardError,
      notes: notes + hx.notes + hy.notes + hxy.notes
    ).checkingBounds()
  }
}

extension EntropySumMI where Entropy == WKLEntropy {
  /// The estimator of the paper: WKL entropies with whitening, k = 5.
  public static var paper: EntropySumMI<WKLEntropy> { EntropySumMI(entropy: WKLEntropy()) }
}
