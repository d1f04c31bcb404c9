import Foundation

/// What an `ib` run will hold in memory, estimated before the first epoch from the loaded images and the sizes of the
/// classifier's recorded outputs, so a run that cannot fit stops at once with the option to change, and a large one
/// says what it will take.
///
/// The parts, in bytes (Float32 values are 4 bytes, the analysis works in Float64):
/// - the program itself, its kernels' buffers and the autoencoder: 0.1 GB;
/// - images: every training and test image, `(train + test) × C·H·W × 4`;
/// - training: one batch's recorded outputs, kept for the backward pass with their gradients and the layers
///   between them, `min(batch, train) × Σ probe sizes × 4 × 4` (an estimate: the factor 4 covers outputs, gradients and the
///   unrecorded intermediate tensors of these models);
/// - analysis: the largest recorded output over the evaluation set, as Float32 and as a centred Float64 copy for PCA,
///   `eval × max probe size × (4 + 8)` (exact up to the PCA's small matrices).
public struct RunPlan: Sendable, Equatable {
  /// Bytes of the training and test images.
  public var imageBytes: Double
  /// Bytes of one training batch's activations and gradients (an estimate).
  public var trainingBytes: Double
  /// Bytes of the largest layer's evaluation outputs during its analysis.
  public var analysisBytes: Double
  /// Training batches per epoch.
  public var batchesPerEpoch: Int
  /// The program, its buffers and the input autoencoder (measured: about 0.1 GB for the small runs).
  public static let baseBytes = 1e8

  /// The estimated peak, in bytes.
  public var totalBytes: Double { Self.baseBytes + imageBytes + trainingBytes + analysisBytes }

  /// The plan of a run with `config` on `trainImages` + `testImages` images of `imageSize` values each, whose
  /// classifier records outputs of `probeSizes` values per image.
  public init(config: ExperimentConfig, trainImages: Int, testImages: Int, imageSize: Int, probeSizes: [Int]) {
    imageBytes = Double(trainImages + testImages) * Double(imageSize) * 4
    trainingBytes = Double(min(config.batchSize, trainImages)) * Double(probeSizes.reduce(0, +)) * 16
    analysisBytes = Double(config.evaluationSamples) * Double(probeSizes.max() ?? 0) * 12
    batchesPerEpoch = (trainImages + config.batchSize - 1) / max(1, config.batchSize)
  }

  /// Throws when the estimate exceeds `available` bytes (this machine's memory), naming the option whose part is the
  /// largest.
  /// - Throws: `InformationPlaneError.invalidSetting` naming `--eval-samples`, `--batch-size` or `--train-samples`.
  public func check(config: ExperimentConfig, available: Double) throws {
    guard totalBytes > available else { return }
    let parts: [(bytes: Double, option: String, value: String)] = [
      (analysisBytes, "--eval-samples", "\(config.evaluationSamples)"),
      (trainingBytes, "--batch-size", "\(config.batchSize)"),
      (imageBytes, "--train-samples", config.trainSamples.map(String.init) ?? "the whole dataset"),
    ]
    let largest = parts.max { $0.bytes < $1.bytes }!
    throw InformationPlaneError.invalidSetting(
      name: largest.option, value: largest.value,
      allowed: "small enough for the run to fit in memory: it would need about \(Self.gigabytes(totalBytes)) ("
        + description + "), this machine has \(Self.gigabytes(available))")
  }

  /// "images 0.2 GB, training ≈ 0.1 GB, layer analysis 0.4 GB".
  public var description: String {
    "images \(Self.gigabytes(imageBytes)), training ≈ \(Self.gigabytes(trainingBytes)), "
      + "layer analysis \(Self.gigabytes(analysisBytes))"
  }

  /// Bytes as "1.23 GB" (decimal gigabytes, 2 decimals below 10 GB).
  static func gigabytes(_ bytes: Double) -> String {
    String(format: bytes < 1e10 ? "%.2f GB" : "%.0f GB", bytes / 1e9)
  }
}
