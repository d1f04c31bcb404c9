/// Named sets of `ib` settings: the paper's experiments (docs/method.md §10.4), applied before any option given
/// explicitly on the command line.
public enum ExperimentPreset: String, Sendable, Codable, CaseIterable {
  /// MNIST setting: mnist-cnn, Adam lr 1e-5, 300 epochs, batch 1024, σ = 1e-3 relative, X by the autoencoder to 4
  /// dimensions (200 epochs, lr 1e-2), layers to 4, the first 10 000 test images, Savitzky–Golay window ≤ 30.
  case paperMNIST = "paper-mnist"
  /// CIFAR-10 setting: cifar10 data, cifar-cnn, Adam lr 1e-4, 50 epochs, batch 1024, σ = 1e-3 relative, X to 10
  /// dimensions (autoencoder lr 1e-3), layers to 4, the first 50 000 training images in a fixed order, window
  /// ≤ min(10, epochs).
  case paperCIFAR10 = "paper-cifar10"

  /// `config` with this preset's settings.
  public func apply(to config: inout ExperimentConfig) {
    config.batchSize = 1024
    config.noise = 1e-3
    config.noiseMode = .relative
    config.inputCompressor = .ae
    config.layerLatentDimension = 4
    config.estimator = .auto
    config.k = 5
    switch self {
    case .paperMNIST:
      config.model = .mnistCNN
      config.learningRate = 1e-5
      config.epochs = 300
      config.inputLatentDimension = 4
      config.autoencoderEpochs = 200
      config.autoencoderLearningRate = 1e-2
      config.evaluationSplit = .test
      config.evaluationSamples = 10_000
      config.smoothingWindow = 30
    case .paperCIFAR10:
      config.dataset = .cifar10
      config.model = .cifarCNN
      config.learningRate = 1e-4
      config.epochs = 50
      config.inputLatentDimension = 10
      config.autoencoderLearningRate = 1e-3
      config.evaluationSplit = .train
      config.evaluationSamples = 50_000
      config.smoothingWindow = 10
    }
  }
}
