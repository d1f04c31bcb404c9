/// The classifiers `infoplane ib` and `infoplane train` can train, as named on the command line (`--model`) and in a
/// run's `config.json`. Each takes any channel count, image size (large enough for its downsampling) and number of
/// classes.
public enum ClassifierArchitecture: String, Sendable, Codable, CaseIterable {
  /// The paper's MNIST classifier (docs/method.md §10.1): three noisy conv blocks (valid 3×3 convolutions, 8/16/32
  /// channels, max-pooling, LeakyReLU), two dense layers. Probes `layer1`…`layer5`, `softmax`.
  case mnistCNN = "mnist-cnn"
  /// The paper's CIFAR-10 classifier (docs/method.md §10.2): the same with 'same' padding, so 32×32 images reach
  /// 32×4×4 before Linear(512, 32), Linear(32, classes). Probes `layer1`…`layer5`, `softmax`.
  case cifarCNN = "cifar-cnn"
  /// He et al. 2016's CIFAR ResNet-20 (3 stages × 3 basic blocks, 16/32/64 channels, batch norm, zero-padding
  /// shortcuts, global average pooling, linear head; 0.27 M parameters) with noise at every block's input. Probes
  /// `stem`, `block1`…`block9`, `head`, `softmax`.
  case resnet20

  /// The model for images of `height`: `mnist-cnn` for images up to 28 pixels high (MNIST's layout), `cifar-cnn`
  /// above (CIFAR-10's).
  public static func defaultModel(forImageHeight height: Int) -> ClassifierArchitecture {
    height <= 28 ? .mnistCNN : .cifarCNN
  }

  /// The recorded outputs in network order, ending with the derived `softmax` (exp of the log-probabilities).
  public var probeNames: [String] {
    switch self {
    case .mnistCNN, .cifarCNN: ["layer1", "layer2", "layer3", "layer4", "layer5", "softmax"]
    case .resnet20: ["stem"] + (1...9).map { "block\($0)" } + ["head", "softmax"]
    }
  }

  /// The probe holding the log-probabilities `[N, classes]`.
  public var logProbabilityProbe: String { self == .resnet20 ? "head" : "layer5" }

  /// Whether `--dropout` applies (the CNNs have dropout before each conv block; the ResNet has none).
  public var usesDropout: Bool { self != .resnet20 }
}
