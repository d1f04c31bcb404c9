import Foundation

/// One epoch's training metrics (a row of `metrics.csv`).
public struct EpochSummary: Sendable, Equatable, Codable {
  public var epoch: Int
  public var trainLoss: Double
  public var trainAccuracy: Double
  public var testLoss: Double
  public var testAccuracy: Double
  /// One-vs-one macro ROC-AUC on the test set.
  public var testROCAUC: Double
  /// Wall-clock seconds the epoch took (training, metrics and MI estimation).
  public var seconds: Double

  public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, testLoss: Double, testAccuracy: Double,
              testROCAUC: Double, seconds: Double) {
    self.epoch = epoch
    self.trainLoss = trainLoss
    self.trainAccuracy = trainAccuracy
    self.testLoss = testLoss
    self.testAccuracy = testAccuracy
    self.testROCAUC = testROCAUC
    self.seconds = seconds
  }

  static let header = ["epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "test_roc_auc", "seconds"]
  var fields: [String] {
    [String(epoch)] + [trainLoss, trainAccuracy, testLoss, testAccuracy, testROCAUC, seconds].map(csvNumber)
  }
  init(fields: [String]) throws {
    guard fields.count == Self.header.count, let epoch = Int(fields[0]) else { throw InformationPlaneError.corruptTable("metrics.csv") }
    let v = try fields.dropFirst().map { try parseNumber($0, table: "metrics.csv") }
    self.init(epoch: epoch, trainLoss: v[0], trainAccuracy: v[1], testLoss: v[2], testAccuracy: v[3], testROCAUC: v[4],
              seconds: v[5])
  }
}

/// I(X;L) and I(L;Y) of one layer at one epoch, in nats, with standard errors and smoothed values (a row of `mi.csv`).
public struct LayerInformation: Sendable, Equatable, Codable {
  public var epoch: Int
  public var layer: String
  public var ixl: Double
  public var ixlStandardError: Double
  public var ily: Double
  public var ilyStandardError: Double
  /// Smoothed over the epochs recorded so far (METHOD.md §10.6); recomputed whenever an epoch is added.
  public var ixlSmoothed: Double
  public var ilySmoothed: Double
  /// Flags of the two estimates (`EstimateNote.flagName`, prefixed "I_XL:" or "I_LY:"), e.g. "I_LY:above-label-entropy";
  /// empty when both can be trusted. A `fallback` note of `auto` is kept as "I_XL:ksg-fallback" (not a flag).
  public var flags: [String]

  /// The flags that say an estimate cannot be trusted: `flags` without the fallback marker.
  public var untrustedFlags: [String] { flags.filter { !$0.hasSuffix("-fallback") } }

  /// Whether I(X;L) or I(L;Y) is flagged (a fallback alone is not).
  public var ixlFlagged: Bool { untrustedFlags.contains { $0.hasPrefix("I_XL:") } }
  public var ilyFlagged: Bool { untrustedFlags.contains { $0.hasPrefix("I_LY:") } }

  public init(epoch: Int, layer: String, ixl: Double, ixlStandardError: Double, ily: Double, ilyStandardError: Double,
              ixlSmoothed: Double = .nan, ilySmoothed: Double = .nan, flags: [String] = []) {
    self.flags = flags
    self.epoch = epoch
    self.layer = layer
    self.ixl = ixl
    self.ixlStandardError = ixlStandardError
    self.ily = ily
    self.ilyStandardError = ilyStandardError
    self.ixlSmoothed = ixlSmoothed
    self.ilySmoothed = ilySmoothed
  }

  static let header = ["epoch", "layer", "I_XL", "I_XL_se", "I_LY", "I_LY_se", "I_XL_smoothed", "I_LY_smoothed", "flags"]
  /// The header of runs written before the flags column (read unchanged, without flags).
  static let headerWithoutFlags = Array(header.dropLast())
  var fields: [String] {
    [String(epoch), layer] + [ixl, ixlStandardError, ily, ilyStandardError, ixlSmoothed, ilySmoothed].map(csvNumber)
      + [flags.joined(separator: " ")]
  }
  init(fields: [String]) throws {
    guard fields.count == Self.header.count || fields.count == Self.headerWithoutFlags.count, let epoch = Int(fields[0])
    else { throw InformationPlaneError.corruptTable("mi.csv") }
    let v = try fields[2..<8].map { try parseNumber($0, table: "mi.csv") }
    let flags = fields.count == Self.header.count ? fields[8].split(separator: " ").map(String.init) : []
    self.init(epoch: epoch, layer: fields[1], ixl: v[0], ixlStandardError: v[1], ily: v[2], ilyStandardError: v[3],
              ixlSmoothed: v[4], ilySmoothed: v[5], flags: flags)
  }
}

/// A run directory: `config.json`, `metrics.csv`, `mi.csv`, `checkpoints/`, `report.html`.
///
/// Crash safety: every file is replaced atomically (write a temporary file, then rename), and an epoch counts as
/// complete only when its checkpoint exists **and** its metrics row is in `metrics.csv`, which is written last.
/// A run killed at any moment therefore resumes from its last complete epoch; later partial output is discarded.
public struct RunStore: Sendable {
  public let directory: URL

  public var configURL: URL { directory.appendingPathComponent("config.json") }
  public var metricsURL: URL { directory.appendingPathComponent("metrics.csv") }
  public var informationURL: URL { directory.appendingPathComponent("mi.csv") }
  public var reportURL: URL { directory.appendingPathComponent("report.html") }
  public var checkpointsURL: URL { directory.appendingPathComponent("checkpoints") }

  /// The checkpoint file of `epoch` (1-based).
  public func checkpointURL(epoch: Int) -> URL {
    checkpointsURL.appendingPathComponent(String(format: "epoch-%04d.safetensors", epoch))
  }

  /// Starts a new run in `directory` (created if needed) and writes `config`.
  /// - Throws: `InformationPlaneError.directoryNotEmpty` when the directory already holds a run.
  public static func create(at directory: URL, config: Data) throws -> RunStore {
    let store = RunStore(directory: directory)
    let fm = FileManager.default
    if fm.fileExists(atPath: store.configURL.path) || fm.fileExists(atPath: store.metricsURL.path) {
      throw InformationPlaneError.directoryNotEmpty(directory.path)
    }
    try fm.createDirectory(at: store.checkpointsURL, withIntermediateDirectories: true)
    try config.write(to: store.configURL, options: .atomic)
    return store
  }

  /// Opens an existing run for resuming.
  /// - Throws: `InformationPlaneError.notARun` when there is no `config.json`.
  public static func open(_ directory: URL) throws -> RunStore {
    let store = RunStore(directory: directory)
    guard FileManager.default.fileExists(atPath: store.configURL.path) else { throw InformationPlaneError.notARun(directory.path) }
    try FileManager.default.createDirectory(at: store.checkpointsURL, withIntermediateDirectories: true)
    return store
  }

  /// The stored configuration.
  public func config() throws -> Data { try Data(contentsOf: configURL) }

  /// Replaces `metrics.csv` and `mi.csv` with these rows (mi first, metrics last: metrics marks an epoch complete).
  public func write(metrics: [EpochSummary], information: [LayerInformation]) throws {
    try writeTable(LayerInformation.header, information.map(\.fields), to: informationURL)
    try writeTable(EpochSummary.header, metrics.map(\.fields), to: metricsURL)
  }

  /// The complete epochs so far: rows of both tables up to the last epoch that has a metrics row and a checkpoint
  /// (only the latest checkpoints are kept; earlier epochs need only their rows).
  public func load() throws -> (metrics: [EpochSummary], information: [LayerInformation]) {
    let metrics = try readTable(metricsURL, headers: [EpochSummary.header]).map(EpochSummary.init(fields:))
    let information = try readTable(informationURL, headers: [LayerInformation.header, LayerInformation.headerWithoutFlags])
      .map(LayerInformation.init(fields:))
    // Epochs 1…N present in order; the last of them that has a checkpoint is where training can resume.
    var contiguous = 0
    for row in metrics where row.epoch == contiguous + 1 { contiguous = row.epoch }
    var complete = contiguous
    while complete > 0 && !FileManager.default.fileExists(atPath: checkpointURL(epoch: complete).path) { complete -= 1 }
    return (metrics.filter { $0.epoch <= complete }, information.filter { $0.epoch <= complete })
  }

  /// Removes checkpoints of epochs after `epoch` (left by a run killed mid-epoch), keeping the last `keep` before it.
  public func pruneCheckpoints(after epoch: Int, keep: Int = 2) throws {
    let fm = FileManager.default
    let names = (try? fm.contentsOfDirectory(atPath: checkpointsURL.path)) ?? []
    for name in names where name.hasPrefix("epoch-") {
      guard let e = Int(name.dropFirst(6).prefix(4)) else { continue }
      if e > epoch || e <= epoch - keep { try? fm.removeItem(at: checkpointsURL.appendingPathComponent(name)) }
    }
  }

  private func writeTable(_ header: [String], _ rows: [[String]], to url: URL) throws {
    var text = header.joined(separator: ",") + "\n"
    for row in rows { text += row.map(csvField).joined(separator: ",") + "\n" }
    try Data(text.utf8).write(to: url, options: .atomic)
  }

  private func readTable(_ url: URL, headers: [[String]]) throws -> [[String]] {
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    guard let first = lines.first else { return [] }
    guard headers.contains(first.split(separator: ",", omittingEmptySubsequences: false).map(String.init)) else {
      throw InformationPlaneError.corruptTable(url.lastPathComponent)
    }
    lines.removeFirst()
    return lines.map(splitCSVLine)
  }
}

/// Shortest round-tripping decimal, or empty for NaN (missing), as pandas writes it.
func csvNumber(_ v: Double) -> String { v.isNaN ? "" : "\(v)" }

func csvField(_ s: String) -> String {
  s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

/// Splits one CSV line into fields, honouring double-quoted fields with doubled quotes inside.
func splitCSVLine(_ line: String) -> [String] {
  var fields: [String] = []
  var current = ""
  var quoted = false
  var chars = Array(line)[...]
  while let ch = chars.popFirst() {
    if quoted {
      if ch == "\"" {
        if chars.first == "\"" {
          current.append("\"")
          chars.removeFirst()
        } else {
          quoted = false
        }
      } else {
        current.append(ch)
      }
    } else if ch == "\"" {
      quoted = true
    } else if ch == "," {
      fields.append(current)
      current = ""
    } else {
      current.append(ch)
    }
  }
  fields.append(current)
  return fields
}

func parseNumber(_ s: String, table: String) throws -> Double {
  if s.isEmpty { return .nan }
  guard let v = Double(s) else { throw InformationPlaneError.corruptTable(table) }
  return v
}
