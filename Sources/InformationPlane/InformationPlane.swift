import Tensor

/// Module marker for `InformationPlane`; see DESIGN.md for what this module holds.
public enum InformationPlaneModule {
  public static let name = "InformationPlane"
}
