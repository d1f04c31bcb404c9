import Tensor

/// Module marker for `Compression`; see DESIGN.md for what this module holds.
public enum CompressionModule {
  public static let name = "Compression"
}
