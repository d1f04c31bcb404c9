/// How an MI estimate built from several entropies (`EntropySumMI`, `LabelMI`) gets its standard error.
///
/// Measured over 30 independent data sets of n = 10⁴ (docs/estimators.md, "How far to trust the standard errors";
/// `bench/se_calibration.py`): `.sumOfParts` overstates the spread about 2× for entropy-sum and 3–5× for
/// label MI; `.perSample` is close to it.
public enum StandardErrorRule: String, Sendable, Codable, CaseIterable {
  /// The sum of the parts' standard errors: s_X + s_Y + s_XY, or s_L + Σ p(y)·s_{L|y} (the published information-v3
  /// code, docs/method.md §4; the reference vectors pin it). Ignores that the parts move together, so it is conservative.
  case sumOfParts = "sum"
  /// The spread of the per-sample MI terms over √n: v_XY,i − v_X,i − v_Y,i, or for labels the sample's term in
  /// Ĥ(L | y_i) minus its term in Ĥ(L) (the later `knn.py` WKL of the authors, docs/method.md §3). Whitening log-dets
  /// are constants.
  case perSample = "per-sample"
}
