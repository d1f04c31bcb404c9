/// Everything in `NeuralNetwork` that user input (data, command line, files) can cause.
package enum NeuralNetworkError: Error, Equatable, CustomStringConvertible {
  /// A sample's shape (without the batch axis) does not fit a layer.
  case inputShape(layer: String, expected: String, found: [Int])
  /// A label outside `0..<classes` at a 0-based sample index.
  case labelOutOfRange(index: Int, label: Int32, classes: Int)
  /// Images and labels disagree in count.
  case sampleCountMismatch(images: Int, labels: Int)
  /// A setting outside its valid range (name, value, what is allowed).
  case invalidSetting(name: String, value: String, allowed: String)
  /// The training loss became NaN or infinite.
  case nonFiniteLoss(epoch: Int, step: Int, loss: Float)
  /// A checkpoint file could not be read or does not match the model.
  case checkpoint(path: String, reason: String)

  package var description: String {
    switch self {
    case let .inputShape(layer, expected, found):
      "\(layer) expects samples of shape \(expected) but got \(found); resize the data or build the model for it."
    case let .labelOutOfRange(index, label, classes):
      "label \(label) at sample \(index) (0-based) is outside 0..<\(classes); labels must be class indices."
    case let .sampleCountMismatch(images, labels):
      "\(images) images but \(labels) labels; every image needs exactly one label."
    case let .invalidSetting(name, value, allowed):
      "\(name) = \(value) is invalid; allowed: \(allowed)."
    case let .nonFiniteLoss(epoch, step, loss):
      "the training loss became \(loss) at epoch \(epoch), step \(step) (1-based); lower the learning rate. "
        + "The last good checkpoint was kept."
    case let .checkpoint(path, reason):
      "cannot use checkpoint \(path): \(reason)."
    }
  }
}
