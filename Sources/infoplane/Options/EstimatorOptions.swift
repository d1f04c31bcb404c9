import ArgumentParser
import InfoPlane

/// `--estimator`, `-k` and `--standard-error`: how the commands that estimate MI (estimate, validate, ib, analyze)
/// choose and tune their estimator. The default estimator is each command's own (`ksg` for `estimate`, `auto` for the
/// others).
struct EstimatorOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      """
      MI estimator: auto (Ross's k-NN estimator for I(L;Y); the paper's WKL for I(X;L) (KSG for codes of ≤ 2 \
      coordinates), or KSG where WKL is flagged or negative), wkl (the paper's, as published), kl, ksg, ksg2, \
      entropy-sum (= wkl) or gaussian (estimate only); mine, nwj or infonce (neural lower bounds with a trained critic; estimate and \
      validate). Default: ksg for estimate, auto for the others. docs/estimators.md has the measurements.
      """, valueName: "estimator"))
  var estimator: MIEstimatorChoice?

  @Option(name: .short, help: "Neighbours per sample of the k-NN estimators.")
  var k = 5

  @Option(
    name: .customLong("standard-error"),
    help: ArgumentHelp(
      "Standard errors of the entropy-based estimates (wkl, kl, entropy-sum, labels): sum (the paper's: the parts' "
        + "errors added, conservative) or per-sample (the spread of the per-sample MI terms; docs/estimators.md, "
        + "\"How far to trust the standard errors\").", valueName: "rule"))
  var standardErrorRule: StandardErrorRule = .sumOfParts

  /// The estimator, or `fallback` when none was given.
  func resolved(default fallback: MIEstimatorChoice) -> MIEstimatorChoice { estimator ?? fallback }

  /// Checks k, for the commands whose library settings do not (`estimate`, `analyze`); `ib` and `validate` check it
  /// with the rest of their settings.
  func checkNeighbours() throws {
    guard k >= 1 else { throw ValidationError("-k must be at least 1 (got \(k)).") }
  }

  /// Checks that the estimator has a form for class labels (every one but `gaussian`), for the commands that also
  /// estimate I(L;Y).
  func checkLabelForm() throws {
    if estimator == .gaussian {
      throw ValidationError("--estimator gaussian has no form for class labels; use auto, wkl, kl, ksg or ksg2.")
    }
  }

  /// Refuses the neural bounds for `command` (ib, analyze: they estimate I(L;Y) on class labels every epoch).
  func checkNotNeural(_ command: String) throws {
    if let estimator, estimator.isNeural {
      throw ValidationError(
        "--estimator \(estimator.rawValue) works in estimate and validate; \(command) needs an estimator with a form "
          + "for class labels: auto, wkl, kl, ksg or ksg2.")
    }
  }
}

extension MIEstimatorChoice: ExpressibleByArgument {}
extension StandardErrorRule: ExpressibleByArgument {}
