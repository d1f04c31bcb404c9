import Compression
import Datasets
import Foundation
import Tensor

/// `infoplane analyze`: the information plane from activations saved by any framework.
///
/// Layout of the input directory:
/// - `inputs.npy` — the evaluation inputs `[n, …]` (any float or integer dtype), compressed once by PCA;
/// - `labels.npy` — n integer class labels;
/// - `epoch-NNNN/<layer>.npy` — each recorded layer's outputs `[n, …]` after epoch NNNN, rows in the same order.
/// Writes `mi.csv` and `report.html` to the output directory.
public struct ActivationAnalysis: Sendable, Codable, Equatable {
  /// PCA components for the inputs X.
  public var inputLatentDimension: Int
  public var layers: LayerAnalysis
  public var smoother: TrajectorySmoother
  public var seed: UInt64

  public init(inputLatentDimension: Int = 4, layers: LayerAnalysis = LayerAnalysis(),
              smoother: TrajectorySmoother = TrajectorySmoother(), seed: UInt64 = 0) {
    self.inputLatentDimension = inputLatentDimension
    self.layers = layers
    self.smoother = smoother
    self.seed = seed
  }

  /// The epoch directories (`epoch-NNNN`, sorted by number) and their layer files (sorted by name).
  public static func layout(of directory: URL) throws -> [(epoch: Int, layers: [(name: String, url: URL)])] {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw InformationPlaneError.missingInput("\(directory.path) is not a directory; pass the folder that holds inputs.npy, labels.npy and epoch-NNNN/.")
    }
    var epochs: [(Int, [(String, URL)])] = []
    for name in try fm.contentsOfDirectory(atPath: directory.path) where name.hasPrefix("epoch-") {
      guard let number = Int(name.dropFirst(6)) else { continue }
      let folder = directory.appendingPathComponent(name)
      let files = try fm.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".npy") }.sorted()
      guard !files.isEmpty else { continue }
      epochs.append((number, files.map { (String($0.dropLast(4)), folder.appendingPathComponent($0)) }))
    }
    guard !epochs.isEmpty else {
      throw InformationPlaneError.missingInput("\(directory.path) has no epoch-NNNN/ folders with <layer>.npy files.")
    }
    return epochs.sorted { $0.0 < $1.0 }.map { (epoch: $0.0, layers: $0.1.map { (name: $0.0, url: $0.1) }) }
  }

  /// Runs the analysis and writes `mi.csv` and `report.html` into `output`.
  /// - Parameter progress: called after each epoch with (epoch, its rows).
  /// - Returns: all rows, smoothed.
  /// - Throws: `InformationPlaneError.missingInput` for a wrong layout, `DatasetsError` for unreadable files, and the
  ///   compression / estimator errors (e.g. a layer with a different number of rows).
  public func run(directory: URL, output: URL, progress: (Int, [LayerInformation]) -> Void = { _, _ in }) throws
    -> [LayerInformation]
  {
    let inputsURL = directory.appendingPathComponent("inputs.npy")
    let labelsURL = directory.appendingPathComponent("labels.npy")
    let epochs = try Self.layout(of: directory)  // first: it also says when `directory` is not a directory
    for url in [inputsURL, labelsURL] where !FileManager.default.fileExists(atPath: url.path) {
      throw InformationPlaneError.missingInput("\(url.path) is missing; analyze needs inputs.npy and labels.npy beside the epoch folders.")
    }
    let inputs = try NPY.read(contentsOf: inputsURL).tensor()
    let labels = try NPY.read(contentsOf: labelsURL).labels()
    let n = inputs.shape.first ?? 0
    guard n == labels.count else {
      throw InformationPlaneError.sampleCountMismatch(layer: "labels.npy", expected: n, found: labels.count)
    }
    let flatInputs = inputs.reshaped([n, -1])
    let inputCodes = try PCA(components: min(inputLatentDimension, flatInputs.shape[1])).fit(flatInputs, seed: seed)
      .transform(flatInputs)
    var rows: [LayerInformation] = []
    for entry in epochs {
      let outputs = try entry.layers.map { (name: $0.name, outputs: try NPY.read(contentsOf: $0.url).tensor()) }
      let epochRows = try layers.analyze(
        inputCodes: inputCodes, labels: labels, layers: outputs, epoch: entry.epoch,
        seed: seed &+ UInt64(entry.epoch) &* 1_000_003)
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
      ("layer PCA components", String(layers.latentDimension)), ("estimator", layers.estimator.rawValue + (layers.standardErrorRule == .perSample ? ", per-sample standard errors" : "")),
      ("k", String(layers.k)), ("seed", String(seed)),
    ]
    try InformationPlaneReport.make(
      title: "Information plane — \(directory.lastPathComponent)", settings: settings, metrics: [], information: rows,
      layerOrder: epochs.first.map { $0.layers.map(\.name) },
      labelEntropy: InformationPlaneExperiment.labelEntropy(labels)
    ).write(to: store.reportURL)
    return rows
  }
}
