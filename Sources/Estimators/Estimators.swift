import Tensor

/// Module marker for `Estimators`; see DESIGN.md for what this module holds.
public enum EstimatorsModule {
  public static let name = "Estimators"
}
