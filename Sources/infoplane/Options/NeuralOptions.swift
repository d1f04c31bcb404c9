import ArgumentParser
import InfoPlane

/// `--neural-steps`, `--neural-batch`, `--neural-lr`, `--held-out`: how the neural lower bounds (mine, nwj, infonce)
/// train their critic. Unset options keep `NeuralMIEstimator`'s defaults (3000 steps, batch 512 — 64 for infonce —,
/// Adam 1e-3, 30 % held out).
struct NeuralOptions: ParsableArguments {
  @Option(help: "mine/nwj/infonce: critic training steps (default 3000).")
  var neuralSteps: Int?

  @Option(help: "mine/nwj/infonce: pairs per batch (default 512; 64 for infonce, whose ceiling is log(batch)).")
  var neuralBatch: Int?

  @Option(help: "mine/nwj/infonce: Adam's learning rate (default 1e-3).")
  var neuralLr: Double?

  @Option(help: "mine/nwj/infonce: share of the samples held out for the reported bound (default 0.3).")
  var heldOut: Double?

  /// Whether any of these options was given.
  var isSet: Bool { neuralSteps != nil || neuralBatch != nil || neuralLr != nil || heldOut != nil }

  /// Refuses these options with an estimator they do not apply to.
  /// - Throws: `ValidationError` naming the options and `estimator`.
  func check(for estimator: MIEstimatorChoice) throws {
    if isSet, !estimator.isNeural {
      throw ValidationError(
        "--neural-steps, --neural-batch, --neural-lr and --held-out apply to mine, nwj and infonce, not "
          + "\(estimator.rawValue).")
    }
  }

  /// `settings` with these options applied.
  func applied(to settings: MIEstimatorChoice.Settings) -> MIEstimatorChoice.Settings {
    var s = settings
    s.neuralSteps = neuralSteps
    s.neuralBatch = neuralBatch
    s.neuralLearningRate = neuralLr
    s.heldOutFraction = heldOut
    return s
  }
}
