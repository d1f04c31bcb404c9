import Compression
import Datasets
import Estimators
import Foundation
import NeuralNetwork

/// Every setting of an information-plane run (`infoplane ib`); stored as `config.json` in the run directory.
public struct ExperimentConfig: Sendable, Codable, Equatable {
  /// The image dataset to train and evaluate on.
  public var dataset: ImageDataset = .shapes
  /// Directory of the IDX files (nil: the dataset's default location).
  public var dataDirectory: String?
  /// Training images used (nil: all; the shapes dataset draws this many).
  public var trainSamples: Int?
  /// Test images (nil: all; shapes draws this many). Metrics use all of them.
  public var testSamples: Int?
  /// The classifier; nil picks the default for the images (`ClassifierArchitecture.defaultModel(forImageHeight:)`).
  /// A run stores the model it trained.
  public var model: ClassifierArchitecture?
  /// The split whose first `evaluationSamples` images are the MI evaluation set; nil means the test set (and lets
  /// config.json files written before this setting existed load unchanged).
  public var evaluationSplit: EvaluationSplit?
  /// Training epochs of the classifier in all; a resumed run may raise it.
  public var epochs = 30
  /// Adam learning rate of the classifier.
  public var learningRate: Float = 1e-3
  /// Mini-batch size of the classifier's training, in images.
  public var batchSize = 1024
  /// σ of the noise at every learned layer's input, ≥ 0: a noise-to-signal ratio (`relative`) or a
  /// standard deviation (`absolute`), as `noiseMode` says.
  public var noise: Float = 1e-3
  /// The form of the Gaussian noise at every learned layer's input.
  public var noiseMode: Noise.Form = .relative
  /// Dropout probability before each convolutional block, in [0, 1).
  public var dropout: Float = 0.1
  /// How the inputs X are compressed (once, before training the classifier): `ae` (the convolutional autoencoder of
  /// docs/method.md §6.3, sigmoid code) or `pca` (fitted on the training images).
  public var inputCompressor: CompressorChoice = .ae
  /// Dimension of the input codes X̃ (autoencoder latent size or PCA components), 1 … pixels per image.
  public var inputLatentDimension = 4
  /// Training epochs of the input autoencoder (used with `inputCompressor == .ae` only).
  public var autoencoderEpochs = 5
  /// Adam learning rate of the input autoencoder: 3e-3 by default; the paper's MNIST value, 1e-2, collapses the
  /// sigmoid code for about one seed in three (docs/method.md §15.9).
  public var autoencoderLearningRate: Float = 3e-3
  /// The input autoencoder's learning rate in its last epoch, reached by a cosine from `autoencoderLearningRate`;
  /// nil keeps the rate constant (the paper's recipe, and config.json files written before this setting existed).
  public var autoencoderFinalLearningRate: Float?
  /// Mini-batch size of the input autoencoder's training; nil means the paper's 512 (and lets config.json files
  /// written before this setting existed load unchanged).
  public var autoencoderBatchSize: Int?
  /// PCA components kept per recorded layer (capped at the layer's dimension), ≥ 1.
  public var layerLatentDimension = 4
  /// The first `evaluationSamples` images of the evaluation split (fixed order) are the MI evaluation set.
  public var evaluationSamples = 10_000
  /// The estimator of I(X;L) and I(L;Y).
  public var estimator: MIEstimatorChoice = .auto
  /// Neighbours per sample of the k-NN estimators, ≥ 1.
  public var k = 5
  /// Standard errors of the entropy-sum and label estimates; nil means the paper's `.sumOfParts` (and lets
  /// config.json files written before this setting existed load unchanged).
  public var standardErrorRule: StandardErrorRule?
  /// Savitzky–Golay window cap (the paper: 30 for MNIST).
  public var smoothingWindow = 30
  /// Base seed: every random stream of the run (initialisation, shuffling, noise, compression, jitter) derives
  /// from it.
  public var seed: UInt64 = 0
  /// The tool version that wrote the run.
  public var version = ""

  /// Every setting at the default declared above; `validate()` checks them.
  public init() {}

  /// The default number of evaluation samples: min(`cap`, images of the evaluation split), where the split's size
  /// is `testSamples` / `trainSamples`, the dataset's standard size (`ImageDataset.standardSizes`), the npy labels'
  /// count (read from the labels file's header) or 10 000.
  public func defaultEvaluationSamples(cap: Int = 10_000) -> Int {
    let onTrain = evaluationSplit == .train
    let given = onTrain ? trainSamples : testSamples
    let sizes = dataset.standardSizes
    var count = given ?? (onTrain ? sizes?.train : sizes?.test) ?? 10_000
    if dataset == .npy, given == nil, let dataDirectory,
      let labels = try? NPY.read(
        contentsOf: URL(fileURLWithPath: dataDirectory).appendingPathComponent(
          onTrain ? "train_labels.npy" : "test_labels.npy"))
    {
      count = labels.shape.first ?? count
    }
    return min(cap, count)
  }

  /// Throws `InformationPlaneError.invalidSetting(name:value:allowed:)` unless `ok`.
  private func check(_ ok: Bool, _ name: String, _ value: Any, _ allowed: String) throws {
    if !ok { throw InformationPlaneError.invalidSetting(name: name, value: "\(value)", allowed: allowed) }
  }

  /// Checks ranges before any work starts.
  /// - Throws: `InformationPlaneError.invalidSetting` naming the setting.
  public func validate() throws {
    try check(inputCompressor != .none, "--x-compressor", inputCompressor.rawValue, "ae or pca")
    // Upper bounds: beyond them a value is a typo, and it would run for ever or overflow a size.
    let most = Self.largestCount
    try check(epochs >= 1 && epochs <= most, "--epochs", epochs, "in 1…\(most)")
    try check(autoencoderEpochs <= most, "--ae-epochs", autoencoderEpochs, "≤ \(most)")
    try check(k <= most, "-k", k, "≤ \(most)")
    try check(inputLatentDimension <= most, "--x-latent-dim", inputLatentDimension, "≤ \(most)")
    try check(layerLatentDimension <= most, "--layer-latent-dim", layerLatentDimension, "≤ \(most)")
    try check(smoothingWindow <= most, "--smoothing-window", smoothingWindow, "≤ \(most)")
    try check(batchSize <= 1 << 24, "--batch-size", batchSize, "≤ \(1 << 24)")
    try check(evaluationSamples <= 1 << 28, "--eval-samples", evaluationSamples, "≤ \(1 << 28)")
    try check(learningRate > 0 && learningRate.isFinite, "--lr", learningRate, "> 0")
    try check(batchSize >= 1, "--batch-size", batchSize, "≥ 1")
    try check(noise >= 0 && noise.isFinite, "--noise", noise, "≥ 0")
    try check(dropout >= 0 && dropout < 1, "--dropout", dropout, "in [0, 1)")
    try check(inputLatentDimension >= 1, "--x-latent-dim", inputLatentDimension, "≥ 1")
    try check(layerLatentDimension >= 1, "--layer-latent-dim", layerLatentDimension, "≥ 1")
    try check(autoencoderEpochs >= 1, "--ae-epochs", autoencoderEpochs, "≥ 1")
    try check(
      autoencoderLearningRate > 0 && autoencoderLearningRate.isFinite, "--ae-lr", autoencoderLearningRate, "> 0")
    if let size = autoencoderBatchSize { try check(size >= 1, "--ae-batch-size", size, "≥ 1") }
    if let final = autoencoderFinalLearningRate {
      try check(
        final > 0 && final <= autoencoderLearningRate, "--ae-final-lr", final,
        "in (0, --ae-lr = \(autoencoderLearningRate)]")
    }
    try check(k >= 1, "-k", k, "≥ 1")
    // Every class of the evaluation set needs more than k samples, and whitening needs n > joint dimension.
    try check(
      evaluationSamples >= max(20 * (k + 1), 2 * (inputLatentDimension + layerLatentDimension) + 2),
      "--eval-samples", evaluationSamples,
      "≥ \(max(20 * (k + 1), 2 * (inputLatentDimension + layerLatentDimension) + 2)) for k = \(k)")
    try check(smoothingWindow >= 1, "--smoothing-window", smoothingWindow, "≥ 1")
    if let trainSamples { try check(trainSamples >= 10, "--train-samples", trainSamples, "≥ 10") }
    if let testSamples { try check(testSamples >= 10, "--test-samples", testSamples, "≥ 10") }
    try checkGeneratedImagesFit()
    if dataset == .mnist {
      try check(
        dataDirectory != nil, "--data-dir", "not given",
        "given for --dataset mnist: the directory with the four MNIST IDX files (plain or .gz)")
    }
    if dataset == .cifar10 {
      try check(
        dataDirectory != nil, "--data-dir", "not given",
        "given for --dataset cifar10: the directory with data_batch_1.bin … data_batch_5.bin and test_batch.bin "
          + "(the CIFAR-10 binary version)")
    }
    if dataset == .npy {
      try check(
        dataDirectory != nil, "--data-dir", "not given",
        "given for --dataset npy: the directory with train_images.npy, train_labels.npy, test_images.npy "
          + "and test_labels.npy")
    }
  }

  /// Generated datasets (`shapes`, `shapes-color`) draw as many images as asked for: they must fit in half of this
  /// machine's memory, checked before any is drawn.
  /// - Throws: `InformationPlaneError.invalidSetting` naming `--train-samples` or `--test-samples` and the limit.
  public func checkGeneratedImagesFit() throws {
    if let sizes = dataset.standardSizes, dataset == .shapes || dataset == .shapesColor {
      let bytesPerImage = dataset == .shapes ? 28.0 * 28 * 4 : 3.0 * 32 * 32 * 4
      let images = Double(trainSamples ?? sizes.train) + Double(testSamples ?? sizes.test)
      let budget = Self.memoryBudget
      let option = (trainSamples ?? 0) >= (testSamples ?? 0) ? "--train-samples" : "--test-samples"
      try check(
        images * bytesPerImage <= budget, option,
        (option == "--train-samples" ? trainSamples : testSamples).map(String.init) ?? "the default",
        String(
          format: "small enough for the images to fit in memory: %.0f GB asked for, at most %.0f GB (half of this "
            + "machine's memory), i.e. at most %d training and test images in all", images * bytesPerImage / 1e9,
          budget / 1e9, Int(budget / bytesPerImage)))
    }
  }

  /// Bytes that generated data may take before anything is allocated: half of this machine's memory, the rest left
  /// for the computation on them.
  public static var memoryBudget: Double { Double(ProcessInfo.processInfo.physicalMemory) / 2 }

  /// The largest epoch count, k and code dimension a run accepts (100 000).
  public static let largestCount = 100_000

  /// The settings that must match when a run is resumed (everything except the epoch count, which may grow).
  func resumeKey() -> ExperimentConfig {
    var copy = self
    copy.epochs = 0
    copy.version = ""
    return copy
  }

  /// (name, value) pairs for the report.
  public var settingsTable: [(String, String)] {
    [
      ("dataset", dataset.rawValue + (dataDirectory.map { " (\($0))" } ?? "")),
      ("model", model?.rawValue ?? "default for the images"),
      ("training images", trainSamples.map(String.init) ?? "all"),
      ("test images", testSamples.map(String.init) ?? "all"),
      ("epochs", String(epochs)), ("optimizer", "Adam, lr \(learningRate), batch \(batchSize)"),
      (
        "noise",
        "\(noiseMode.rawValue) σ = \(noise) at every "
          + (model == .resnet20 ? "residual block's (and the stem's and head's)" : "learned layer's")
          + " input, on at inference"
      ),
      ("dropout", model == .resnet20 ? "none (resnet20 has no dropout)" : String(dropout)),
      (
        "X compression",
        "\(inputCompressor.rawValue) to \(inputLatentDimension) dims"
          + (inputCompressor == .ae
            ? ", \(autoencoderEpochs) epochs of batch \(autoencoderBatchSize ?? 512), lr \(autoencoderLearningRate)"
              + (autoencoderFinalLearningRate.map { " cosine to \($0)" } ?? "") : "")
      ),
      ("layer compression", "PCA to \(layerLatentDimension) dims, refitted every epoch"),
      ("evaluation samples", "the first \(evaluationSamples) \((evaluationSplit ?? .test).rawValue) images"),
      (
        "estimator",
        "\(estimator.rawValue), k = \(k)"
          + ((standardErrorRule ?? .sumOfParts) == .perSample ? ", per-sample standard errors" : "")
      ),
      ("smoothing", "Savitzky–Golay window ≤ \(smoothingWindow), Butterworth(8, 0.125) filtfilt"),
      ("seed", String(seed)), ("version", version),
    ]
  }
}
