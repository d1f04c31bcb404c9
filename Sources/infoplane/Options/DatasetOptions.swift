import ArgumentParser
import InfoPlane

/// `--dataset`, `--data-dir`, `--train-samples` and `--test-samples`: the images `ib` and `train` learn from, read by
/// one loader (`ImageDataset.load`).
struct DatasetOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      """
      Dataset: shapes or shapes-color (built in: 28×28 grey, 32×32 colour), fashion-mnist, mnist, cifar10 (the \
      binary version's data_batch_1.bin … test_batch.bin in --data-dir), or npy (your own images [n, H, W] or \
      [n, C, H, W] and labels as train_images.npy, train_labels.npy, test_images.npy, test_labels.npy in \
      --data-dir). Default: shapes for ib, fashion-mnist for train.
      """, valueName: "dataset"))
  var dataset: ImageDataset?

  @Option(help: "Directory with the IDX, CIFAR-10 or npy files (default: /usr/share/datasets/<dataset>).")
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
    var generated = ExperimentConfig()
    generated.dataset = dataset ?? .shapes
    generated.trainSamples = trainSamples
    generated.testSamples = testSamples
    do { try generated.checkGeneratedImagesFit() } catch let error as InformationPlaneError {
      throw ValidationError(error.description)
    }
    if dataset == .cifar10, dataDir == nil {
      throw ValidationError(
        "--dataset cifar10 needs --data-dir: the directory with data_batch_1.bin … data_batch_5.bin and "
          + "test_batch.bin (the CIFAR-10 binary version).")
    }
    if dataset == .npy, dataDir == nil {
      throw ValidationError(
        "--dataset npy needs --data-dir: the directory with train_images.npy, train_labels.npy, "
          + "test_images.npy and test_labels.npy.")
    }
  }
}

extension ImageDataset: ExpressibleByArgument {}
