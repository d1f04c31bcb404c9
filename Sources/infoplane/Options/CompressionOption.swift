import ArgumentParser
import InfoPlane

/// `--compress-x` / `--compress-y` of `infoplane estimate`: lossy compression of one variable before estimating
/// (docs/method.md §1: MI between high-dimensional variables is estimated between low-dimensional codes).
/// Written `pca:N` (PCA to N components, centred, not whitened) or `ae:N` (an autoencoder with an N-wide code).
struct CompressionOption: ExpressibleByArgument, Equatable, CustomStringConvertible {
  /// `pca` or `ae`.
  let method: CompressorChoice
  /// Code dimension, ≥ 1.
  let dimension: Int

  init(method: CompressorChoice, dimension: Int) {
    self.method = method
    self.dimension = dimension
  }

  init?(argument: String) {
    let parts = argument.lowercased().split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let method = CompressorChoice(rawValue: String(parts[0])), method != .none,
      let dimension = Int(parts[1]), dimension >= 1
    else { return nil }
    self.init(method: method, dimension: dimension)
  }

  var description: String { "\(method.rawValue):\(dimension)" }

  static var defaultCompletionKind: CompletionKind { .list(["pca:4", "ae:4"]) }
}
