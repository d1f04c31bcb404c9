import Testing

@testable import infoplane

/// The shared option groups check nothing twice: `ib` and `validate` leave their settings' ranges to the library
/// (`ExperimentConfig`, `SyntheticValidation`), whose messages name the setting; `train` and `estimate` check theirs.
@Suite struct OptionGroupTests {
  @Test func ibReportsItsSettingsThroughTheRunConfiguration() {
    #expect(CLITest.fails(["ib", "--train-samples", "5"], saying: ["--train-samples is 5 but must be ≥ 10."]))
    #expect(CLITest.fails(["ib", "--dropout", "1"], saying: ["--dropout is 1.0 but must be in [0, 1)."]))
    #expect(CLITest.fails(["ib", "-k", "0"], saying: ["-k is 0 but must be ≥ 1."]))
    #expect(
      CLITest.fails(
        ["ib", "--dataset", "npy"], saying: ["--data-dir is not given but must be given for --dataset npy"]))
    #expect(CLITest.fails(["ib", "--estimator", "gaussian"], saying: ["gaussian has no form for class labels"]))
  }

  @Test func validateReportsKThroughTheValidationSettings() {
    #expect(CLITest.fails(["validate", "-k", "0"], saying: ["Invalid setting: k must be in 1…100000 (got 0)."]))
  }

  @Test func trainChecksItsOwnOptions() {
    #expect(CLITest.fails(["train", "--dropout", "1"], saying: ["--dropout must be in [0, 1) (got 1.0)."]))
    #expect(CLITest.fails(["train", "--lr", "0"], saying: ["--lr must be a positive number (got 0.0)."]))
    #expect(CLITest.fails(["train", "--test-samples", "3"], saying: ["--test-samples must be at least 10 (got 3)."]))
    #expect(CLITest.fails(["train", "--dataset", "npy"], saying: ["--dataset npy needs --data-dir"]))
  }
}
