import ArgumentParser
import InfoPlane

/// `--dataset`, `--data-dir`, `--train-samples` and `--test-samples`: the images `ib` and `train` learn from, read by
/// one loader (`ImageDataset.load`).
struct DatasetOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      """
      Dataset: shapes (built in), fashion-mnist, mnist, or npy (your own 28×28, 10-class data as train_images.npy, \
      train_labels.npy, test_images.npy, test_labels.npy in --data-dir). Default: shapes for ib, fashion-mnist for \
      train.
      """, valueName: "dataset"))
  var dataset: ImageDataset?

  @Option(help: "Directory with the IDX (or npy) files (default: /usr/share/datasets/<dataset>).")
  var dataDir: String?

  @Option(help: "Training images to use (default: all; shapes draws 12000).")
  var trainSamples: Int?

  @Option(help: "Test images to use (default: all; shapes draws 3000).")
  var testSamples: Int?

  /// Checks the ranges, for `train`; `ib` checks the same settings in `ExperimentConfig.validate()`.
  func check() throws {
    if let trainSamples, trainSamples < 10 {
      throw ValidationError("--train-samples must be at least 10 (got \(trainSamples)).")
    }
    if let testSamples, testSamples < 10 {
      throw ValidationError("--test-samples must be at least 10 (got \(testSamples)).")
    }
    if dataset == .npy, dataDir == nil {
      throw ValidationError(
        "--dataset npy needs --data-dir: the directory with train_images.npy, train_labels.npy, "
          + "test_images.npy and test_labels.npy.")
    }
  }
}

extension ImageDataset: ExpressibleByArgument {}
