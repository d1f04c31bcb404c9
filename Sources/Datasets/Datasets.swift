import Tensor

/// Module marker for `Datasets`; see DESIGN.md for what this module holds.
public enum DatasetsModule {
  public static let name = "Datasets"
}
