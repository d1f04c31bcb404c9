import Tensor

/// Module marker for `NeuralNetwork`; see DESIGN.md for what this module holds.
public enum NeuralNetworkModule {
  public static let name = "NeuralNetwork"
}
