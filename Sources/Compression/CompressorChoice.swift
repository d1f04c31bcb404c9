/// The compressors, as named on the command line (`--x-compressor`, `--compressor`, `--compress-x pca:N`) and in a
/// run's `config.json`: the one type behind `ib`, `validate` and `estimate`.
public enum CompressorChoice: String, Sendable, Codable, CaseIterable {
  /// An autoencoder: convolutional for square power-of-two images `[n, 1, S, S]`, dense for vectors
  /// (docs/method.md §6.1, §6.3, §6.4).
  case ae
  /// PCA, centred, not whitened (docs/method.md §6.2).
  case pca
  /// No compression: the variables as they are (`validate` only).
  case none
}
