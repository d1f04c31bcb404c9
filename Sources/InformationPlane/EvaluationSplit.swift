/// Which split's first `evaluationSamples` images (in their stored order) the information plane is measured on.
public enum EvaluationSplit: String, Sendable, Codable, CaseIterable {
  /// The test set (the paper's MNIST setting, docs/method.md §10.4).
  case test
  /// The training set, unshuffled (the paper's CIFAR-10 setting: its first 50 000 images).
  case train
}
