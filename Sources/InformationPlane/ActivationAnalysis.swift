import Compression
import Datasets
import Estimators
import Foundation
import Tensor

/// `infoplane analyze`: the information plane from activations saved by any framework.
///
/// Layout of the input directory:
/// - `inputs.npy` — the evaluation inputs `[n, …]` (any float or integer dtype), compressed once by PCA;
/// - `labels.npy` — n integer class labels;
/// - `epoch-NNNN/<layer>.npy` — each recorded layer's outputs `[n, …]` after epoch NNNN, rows in the same order;
///   or instead `epoch-NNNN.safetensors` holding one tensor per layer, named by the layer.
/// Writes `mi.csv` and `report.html` to the output directory.
public struct ActivationAnalysis: Sendable, Codable, Equatable {
  /// PCA components for the inputs X.
  public var inputLatentDimension: Int
  /// How each layer is compressed and estimated (PCA dimension, estimator, k, standard-error rule).
  public var layers: LayerAnalysis
  /// The smoothing of each layer's MI series over the epochs.
  public var smoother: TrajectorySmoother
  /// Seed of the input PCA and, offset per epoch, of the layers' PCA and tie-breaking.
  public var seed: UInt64
  /// Whether a layer whose data cannot be analysed (NaN or infinite values, a wrong row count, an unreadable file)
  /// is left out of that epoch with a warning instead of stopping the analysis.
  public var skipBadLayers = false

  /// `inputLatentDimension` PCA components for the inputs (capped at their dimension), the per-layer settings,
  /// the smoother and the seed.
  public init(
    inputLatentDimension: Int = 4, layers: LayerAnalysis = LayerAnalysis(),
    smoother: TrajectorySmoother = TrajectorySmoother(), seed: UInt64 = 0
  ) {
    self.inputLatentDimension = inputLatentDimension
    self.layers = layers
    self.smoother = smoother
    self.seed = seed
  }

  /// Where one epoch's layer outputs are stored.
  public enum EpochSource: Sendable, Equatable {
    /// `epoch-NNNN/<layer>.npy`: (layer name, file), sorted by name.
    case folder([LayerFile])
    /// `epoch-NNNN.safetensors`: one tensor per layer, named by the layer.
    case safetensors(URL)
  }

  /// One layer's `.npy` file in an epoch folder.
  public struct LayerFile: Sendable, Equatable {
    /// The layer's name: the file name without `.npy`.
    public let name: String
    /// Location of the `.npy` file.
    public let url: URL
  }

  /// The epochs found in `directory`, sorted by number: `epoch-NNNN/` folders of `<layer>.npy` files and
  /// `epoch-NNNN.safetensors` files (either form, one per epoch).
  /// - Throws: `InformationPlaneError.missingInput` when `directory` is not a directory, holds no epochs, or gives
  ///   an epoch in both forms.
  public static func layout(of directory: URL) throws -> [(epoch: Int, source: EpochSource)] {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw InformationPlaneError.missingInput(
        "\(directory.path) is not a directory; pass the folder that holds "
          + "inputs.npy, labels.npy and epoch-NNNN/ folders (or epoch-NNNN.safetensors files).")
    }
    var epochs: [Int: EpochSource] = [:]
    var names: [Int: String] = [:]
    for name in try fm.contentsOfDirectory(atPath: directory.path) where name.hasPrefix("epoch-") {
      let url = directory.appendingPathComponent(name)
      let source: EpochSource
      let number: Int?
      if name.hasSuffix(".safetensors") {
        number = Self.epochNumber(name.dropFirst(6).dropLast(12))
        source = .safetensors(url)
      } else {
        number = Self.epochNumber(name.dropFirst(6))
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
        let files = try fm.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".npy") }.sorted()
        guard !files.isEmpty else { continue }
        source = .folder(files.map { LayerFile(name: String($0.dropLast(4)), url: url.appendingPathComponent($0)) })
      }
      guard let number else { continue }
      if let other = names[number] {
        let pair = [other, name].sorted()
        throw InformationPlaneError.missingInput(
          "\(directory.path) gives epoch \(number) twice (\(pair[0]) and \(pair[1])); keep one.")
      }
      epochs[number] = source
      names[number] = name
    }
    guard !epochs.isEmpty else {
      throw InformationPlaneError.missingInput(
        "\(directory.path) has no epoch-NNNN/ folders with <layer>.npy files "
          + "and no epoch-NNNN.safetensors files.")
    }
    return epochs.keys.sorted().map { (epoch: $0, source: epochs[$0]!) }
  }

  /// Whether `error` says the data is wrong (and so can be named and skipped), not that the program is.
  static func isDataError(_ error: any Error) -> Bool {
    error is DatasetsError || error is EstimatorError || error is CompressionError || error is InformationPlaneError
  }

  /// Where a layer's data come from: its `.npy` file, or `FILE.safetensors:NAME`.
  static func origin(of layer: String, in source: EpochSource) -> String {
    switch source {
    case let .folder(files): files.first { $0.name == layer }?.url.path ?? layer
    case let .safetensors(url): "\(url.path):\(layer)"
    }
  }

  /// The NNNN of `epoch-NNNN`: one to nine ASCII digits, nothing else (`epoch--002`, `epoch-+3`, `epoch- 4` are not
  /// epochs and are skipped like any other name).
  static func epochNumber(_ text: Substring) -> Int? {
    guard (1...9).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(text)
  }

  /// The layer outputs of one epoch, in layer-name order.
  /// - Throws: `DatasetsError` for unreadable files; `InformationPlaneError.missingInput` for an empty safetensors file.
  public static func load(_ source: EpochSource) throws -> [(name: String, outputs: Tensor)] {
    try layers(of: source).map { (name: $0.name, outputs: try $0.load()) }
  }

  /// The layers of one epoch in layer-name order, each with a loader that reads that layer alone (streamed from
  /// its `.npy` file or from its range of the safetensors file), so an epoch's layers are never all in memory.
  /// - Throws: `DatasetsError` for an unreadable safetensors header; `InformationPlaneError.missingInput` for a
  ///   safetensors file without tensors.
  static func layers(of source: EpochSource) throws -> [(name: String, load: () throws -> Tensor)] {
    // A layer's name becomes a row label of mi.csv and the report: it must be a printable, non-empty line.
    let names: [String] =
      switch source {
      case let .folder(files): files.map(\.name)
      case let .safetensors(url): try SafeTensors.tensorNames(in: url)
      }
    if let bad = names.first(where: {
      $0.isEmpty || $0.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }) {
      throw InformationPlaneError.missingInput(
        "\(origin(of: bad, in: source)): the layer name \(bad.debugDescription) is empty or holds a control "
          + "character (a line break, a tab); name every layer with printable text.")
    }
    switch source {
    case let .folder(files):
      return files.map { file in (name: file.name, load: { try NPY.readTensor(contentsOf: file.url) }) }
    case let .safetensors(url):
      let names = try SafeTensors.tensorNames(in: url)
      guard !names.isEmpty else {
        throw InformationPlaneError.missingInput("\(url.path) holds no tensors; save one tensor per layer.")
      }
      return names.map { name in (name: name, load: { try SafeTensors.readTensor(named: name, in: url) }) }
    }
  }

  /// Runs the analysis and writes `mi.csv` and `report.html` into `output`.
  /// - Parameter progress: called after each epoch with (epoch, its rows).
  /// - Returns: all rows, smoothed.
  /// - Throws: `InformationPlaneError.missingInput` for a wrong layout, `DatasetsError` for unreadable files, and the
  ///   compression / estimator errors (e.g. a layer with a different number of rows).
  public func run(
    directory: URL, output: URL, warn: (String) -> Void = { _ in },
    progress: (Int, [LayerInformation]) -> Void = { _, _ in }
  ) throws -> [LayerInformation] {
    let inputsURL = directory.appendingPathComponent("inputs.npy")
    let labelsURL = directory.appendingPathComponent("labels.npy")
    let epochs = try Self.layout(of: directory)  // first: it also says when `directory` is not a directory
    for url in [inputsURL, labelsURL] where !FileManager.default.fileExists(atPath: url.path) {
      throw InformationPlaneError.missingInput(
        "\(url.path) is missing; analyze needs inputs.npy and labels.npy beside the epoch folders.")
    }
    let inputs = try NPY.readTensor(contentsOf: inputsURL)
    let labels = try NPY.read(contentsOf: labelsURL).labels()
    let n = inputs.shape.first ?? 0
    guard n == labels.count else {
      throw InformationPlaneError.sampleCountMismatch(layer: "labels.npy", expected: n, found: labels.count)
    }
    let flatInputs = inputs.reshaped([n, -1])
    let inputCodes = try PCA(components: min(inputLatentDimension, flatInputs.shape[1])).fit(flatInputs, seed: seed)
      .transform(flatInputs)
    var rows: [LayerInformation] = []
    var layerOrder: [String]?
    var timings = (compression: 0.0, estimation: 0.0)
    var skipped: [String] = []
    for entry in epochs {
      // One layer in memory at a time: read, compressed in place, estimated, released.
      let sources = try Self.layers(of: entry.source)
      if layerOrder == nil { layerOrder = sources.map(\.name) }
      var epochRows: [LayerInformation] = []
      for (index, layer) in sources.enumerated() {
        do {
          epochRows.append(
            try layers.analyzeLayer(
              layer.name, outputs: try layer.load(), index: index, inputCodes: inputCodes, labels: labels,
              epoch: entry.epoch, seed: seed &+ UInt64(entry.epoch) &* 1_000_003, timings: &timings))
        } catch let error where Self.isDataError(error) {
          let origin = Self.origin(of: layer.name, in: entry.source)
          guard skipBadLayers else {
            throw InformationPlaneError.badLayer(
              epoch: entry.epoch, layer: layer.name, origin: origin,
              reason: "\(error) Fix or remove that file, or pass --skip-bad-layers to analyse the other layers "
                + "without it.")
          }
          let failure = InformationPlaneError.badLayer(
            epoch: entry.epoch, layer: layer.name, origin: origin, reason: "\(error)")
          skipped.append(failure.description)
          warn("skipped: \(failure.description)")
        }
      }
      rows += epochRows
      progress(entry.epoch, epochRows)
    }
    rows = try LayerAnalysis.smooth(rows, smoother: smoother)
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    let store = RunStore(directory: output)
    try store.write(metrics: [], information: rows)
    try? FileManager.default.removeItem(at: store.metricsURL)  // analyze has no training metrics
    let settings: [(String, String)] = [
      ("source", directory.path), ("samples", String(n)), ("input PCA components", String(inputLatentDimension)),
      ("layer PCA components", String(layers.latentDimension)),
      (
        "estimator",
        layers.estimator.rawValue + (layers.standardErrorRule == .perSample ? ", per-sample standard errors" : "")
      ),
      ("k", String(layers.k)), ("seed", String(seed)),
    ]
    try InformationPlaneReport.make(
      title: "Information plane — \(directory.lastPathComponent)", settings: settings, metrics: [], information: rows,
      layerOrder: layerOrder,
      notes: skipped.isEmpty
        ? [] : ["Left out (--skip-bad-layers): " + skipped.joined(separator: " ")],
      labelEntropy: InformationPlaneExperiment.labelEntropy(labels)
    ).write(to: store.reportURL)
    return rows
  }
}
