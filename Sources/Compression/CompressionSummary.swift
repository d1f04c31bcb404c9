/// What a fitted compression did to one variable before estimation (`infoplane estimate --compress-x`), for the
/// text and JSON output.
package struct CompressionSummary: Sendable, Equatable, Encodable {
  /// `pca` or `ae`.
  package var method: CompressorChoice
  /// Features per sample before compression.
  package var inputDimension: Int
  /// Coordinates per sample after compression.
  package var codeDimension: Int
  /// PCA: the fraction of the variance the components keep (0…1). AE: nil.
  package var explainedVarianceRatio: Double?
  /// AE: mean |x − x̂| on the data the AE saw (images scaled to [0, 1], vectors centred and scaled). PCA: nil.
  package var reconstructionError: Double?
  /// AE: `convolutional` or `dense`. PCA: nil.
  package var autoencoder: String?

  package init(
    method: CompressorChoice, inputDimension: Int, codeDimension: Int, explainedVarianceRatio: Double? = nil,
    reconstructionError: Double? = nil, autoencoder: String? = nil
  ) {
    self.method = method
    self.inputDimension = inputDimension
    self.codeDimension = codeDimension
    self.explainedVarianceRatio = explainedVarianceRatio
    self.reconstructionError = reconstructionError
    self.autoencoder = autoencoder
  }

  enum CodingKeys: String, CodingKey {
    case method
    case inputDimension = "input_dimension"
    case codeDimension = "code_dimension"
    case explainedVarianceRatio = "explained_variance_ratio"
    case reconstructionError = "reconstruction_error"
    case autoencoder
  }

  /// One line for the text output.
  package var text: String {
    switch method {
    case .ae:
      String(
        format: "%@ autoencoder %d → %d dimensions, mean |x − x̂| %.4f on the %@ data", autoencoder ?? "",
        inputDimension, codeDimension, reconstructionError ?? 0,
        autoencoder == "convolutional" ? "[0, 1]-scaled" : "centred, unit-variance")
    default:
      String(
        format: "PCA %d → %d dimensions, keeping %.1f %% of the variance", inputDimension, codeDimension,
        100 * (explainedVarianceRatio ?? 0))
    }
  }
}
