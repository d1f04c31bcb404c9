// The umbrella module: `import InfoPlane` gives a user every public API of the toolkit.
@_exported import Compression
@_exported import Datasets
@_exported import Estimators
@_exported import InformationPlane
@_exported import NeuralEstimators
@_exported import NeuralNetwork
@_exported import Tensor

/// The toolkit's version, reported by `infoplane --version` and recorded in every run's `config.json`.
public let infoPlaneVersion = "0.1.0"
