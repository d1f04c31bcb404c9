import Foundation

/// A run directory: `config.json`, `metrics.csv`, `mi.csv`, `autoencoder.csv` (input autoencoder, per epoch),
/// `checkpoints/`, `report.html`.
///
/// Crash safety: every file is replaced atomically (write a temporary file, then rename), and an epoch counts as
/// complete only when its checkpoint exists **and** its metrics row is in `metrics.csv`, which is written last.
/// A run killed at any moment therefore resumes from its last complete epoch; later partial output is discarded.
package struct RunStore: Sendable {
  package let directory: URL

  package var configURL: URL { directory.appendingPathComponent("config.json") }
  package var metricsURL: URL { directory.appendingPathComponent("metrics.csv") }
  package var informationURL: URL { directory.appendingPathComponent("mi.csv") }
  package var reportURL: URL { directory.appendingPathComponent("report.html") }
  package var autoencoderURL: URL { directory.appendingPathComponent("autoencoder.csv") }
  package var checkpointsURL: URL { directory.appendingPathComponent("checkpoints") }

  /// The checkpoint file of `epoch` (1-based).
  package func checkpointURL(epoch: Int) -> URL {
    checkpointsURL.appendingPathComponent(String(format: "epoch-%04d.safetensors", epoch))
  }

  /// Starts a new run in `directory` (created if needed) and writes `config`.
  /// - Throws: `InformationPlaneError.directoryNotEmpty` when the directory already holds a run.
  package static func create(at directory: URL, config: Data) throws -> RunStore {
    let store = RunStore(directory: directory)
    let fm = FileManager.default
    if fm.fileExists(atPath: store.configURL.path) || fm.fileExists(atPath: store.metricsURL.path) {
      throw InformationPlaneError.directoryNotEmpty(directory.path)
    }
    try fm.createDirectory(at: store.checkpointsURL, withIntermediateDirectories: true)
    try config.write(to: store.configURL, options: .atomic)
    return store
  }

  /// Starts a new run in `directory` with `settings` as its `config.json`.
  /// - Throws: As `create(at:config:)`.
  package static func create(at directory: URL, settings: ExperimentConfig) throws -> RunStore {
    try create(at: directory, config: try prettyJSON(settings))
  }

  /// Opens an existing run for resuming.
  /// - Throws: `InformationPlaneError.notARun` when there is no `config.json`.
  package static func open(_ directory: URL) throws -> RunStore {
    let store = RunStore(directory: directory)
    guard FileManager.default.fileExists(atPath: store.configURL.path) else {
      throw InformationPlaneError.notARun(directory.path)
    }
    try FileManager.default.createDirectory(at: store.checkpointsURL, withIntermediateDirectories: true)
    return store
  }

  /// The stored configuration.
  package func config() throws -> Data { try Data(contentsOf: configURL) }

  /// The stored configuration, decoded.
  /// - Throws: `InformationPlaneError.damagedRunFile` naming `config.json` and what is wrong with it (empty, not
  ///   JSON, a key missing or of the wrong type); Foundation's file errors when it cannot be read.
  package func decodedConfig() throws -> ExperimentConfig {
    let data = try config()
    do {
      return try JSONDecoder().decode(ExperimentConfig.self, from: data)
    } catch let error as DecodingError {
      throw InformationPlaneError.damagedRunFile(
        path: configURL.path, problem: Self.describe(error, empty: data.isEmpty))
    }
  }

  /// A decoding error as a clause a user can act on.
  static func describe(_ error: DecodingError, empty: Bool) -> String {
    func at(_ path: [any CodingKey]) -> String {
      path.isEmpty
        ? "the top level" : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    if empty { return "it is empty" }
    switch error {
    case .dataCorrupted(let context) where context.codingPath.isEmpty:
      return "it is not JSON (truncated or overwritten?)"
    case .dataCorrupted(let context): return "\(at(context.codingPath)) has a value that is not allowed"
    case .keyNotFound(let key, let context):
      return "the key \(at(context.codingPath + [key])) is missing"
    case .typeMismatch(let type, let context): return "\(at(context.codingPath)) is not a \(type)"
    case .valueNotFound(let type, let context): return "\(at(context.codingPath)) is null, not a \(type)"
    @unknown default: return "it does not hold a run's settings"
    }
  }

  /// Replaces `metrics.csv` and `mi.csv` with these rows (mi first, metrics last: metrics marks an epoch complete).
  package func write(metrics: [EpochSummary], information: [LayerInformation]) throws {
    try writeTable(LayerInformation.header, information.map(\.fields), to: informationURL)
    try writeTable(EpochSummary.header, metrics.map(\.fields), to: metricsURL)
  }

  /// The complete epochs so far: rows of both tables up to the last epoch that has a metrics row, all its MI rows
  /// and (for resuming) a checkpoint (only the latest checkpoints are kept; earlier epochs need only their rows).
  ///
  /// Nothing is lost silently: an epoch counts only when `mi.csv` holds every layer of it and of every epoch before
  /// it (the layers of epoch 1). A damaged tail is dropped back to the last epoch both tables and a checkpoint
  /// prove, and is trained again; when no checkpoint can redo the missing epochs, loading for resuming fails.
  /// - Throws: `InformationPlaneError.corruptTable` for a table in another format; `.damagedRunFile` naming
  ///   `mi.csv` when epochs that `metrics.csv` records are missing from it and no checkpoint can redo them.
  package func load(resumable: Bool = true) throws -> (metrics: [EpochSummary], information: [LayerInformation]) {
    // A row that does not parse is named with the table's whole path.
    func named<T>(_ url: URL, _ parse: () throws -> T) throws -> T {
      do { return try parse() } catch InformationPlaneError.corruptTable {
        throw InformationPlaneError.corruptTable(url.path)
      }
    }
    let metrics = try named(metricsURL) {
      try readTable(metricsURL, headers: [EpochSummary.header]).map(EpochSummary.init(fields:))
    }
    let information = try named(informationURL) {
      try readTable(informationURL, headers: [LayerInformation.header, LayerInformation.headerWithoutFlags])
        .map(LayerInformation.init(fields:))
    }
    // Epochs 1…N present in order; for resuming, the last of them that has a checkpoint is where training resumes.
    var contiguous = 0
    for row in metrics where row.epoch == contiguous + 1 { contiguous = row.epoch }
    // Epochs 1…recorded have every layer of epoch 1 in mi.csv.
    var layersByEpoch: [Int: [String]] = [:]
    for row in information { layersByEpoch[row.epoch, default: []].append(row.layer) }
    let layers = layersByEpoch[1] ?? []
    var recorded = 0
    while recorded < contiguous, let own = layersByEpoch[recorded + 1], !layers.isEmpty, own == layers {
      recorded += 1
    }
    var complete = recorded
    while resumable && complete > 0 && !FileManager.default.fileExists(atPath: checkpointURL(epoch: complete).path) {
      complete -= 1
    }
    if resumable && complete == 0 && contiguous > 0 && recorded < contiguous {
      throw InformationPlaneError.damagedRunFile(
        path: informationURL.path,
        problem: "metrics.csv records epochs 1–\(contiguous) but mi.csv "
          + (recorded == 0
            ? (information.isEmpty ? "has none of their rows" : "lacks rows of epoch 1")
            : "holds every layer only up to epoch \(recorded)")
          + ", and no checkpoint is left to redo the missing epochs")
    }
    return (metrics.filter { $0.epoch <= complete }, information.filter { $0.epoch <= complete })
  }

  /// Removes the temporary files (`.NAME.UUID.tmp`, Foundation's `.dat.nosync…`) that writes killed before their
  /// rename left in the run directory and `checkpoints/`; returns how many. Only for a run no other process is writing.
  @discardableResult
  package func removeStaleTemporaryFiles() -> Int {
    var removed = 0
    for folder in [directory, checkpointsURL] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      // Ours (.NAME.UUID.tmp) and Foundation's atomic writes' (.dat.nosyncPID.XXXXXX: config.json, the tables,
      // report.html).
      for name in names where name.hasPrefix(".") && (name.hasSuffix(".tmp") || name.hasPrefix(".dat.nosync")) {
        if (try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))) != nil { removed += 1 }
      }
    }
    return removed
  }

  /// Removes checkpoints of epochs after `epoch` (left by a run killed mid-epoch), keeping the last `keep` before it.
  package func pruneCheckpoints(after epoch: Int, keep: Int = 2) throws {
    let fm = FileManager.default
    let names = (try? fm.contentsOfDirectory(atPath: checkpointsURL.path)) ?? []
    for name in names where name.hasPrefix("epoch-") {
      guard let e = Int(name.dropFirst(6).prefix(4)) else { continue }
      if e > epoch || e <= epoch - keep { try? fm.removeItem(at: checkpointsURL.appendingPathComponent(name)) }
    }
  }

  /// Columns of `autoencoder.csv`: one row per epoch of each training of the input autoencoder.
  package static let autoencoderColumns = [
    "attempt", "epoch", "learning_rate", "train_l1", "heldout_l1", "seconds",
  ]

  /// Writes `autoencoder.csv` (rows in `autoencoderColumns` order), replacing it whole.
  package func writeAutoencoderCurve(_ rows: [[String]]) throws {
    try writeTable(Self.autoencoderColumns, rows, to: autoencoderURL)
  }

  private func writeTable(_ header: [String], _ rows: [[String]], to url: URL) throws {
    var text = header.joined(separator: ",") + "\n"
    for row in rows { text += row.map(csvField).joined(separator: ",") + "\n" }
    try Data(text.utf8).write(to: url, options: .atomic)
  }

  private func readTable(_ url: URL, headers: [[String]]) throws -> [[String]] {
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      guard FileManager.default.isReadableFile(atPath: url.path) else { _ = try Data(contentsOf: url); return [] }
      throw InformationPlaneError.damagedRunFile(
        path: url.path, problem: "it is not UTF-8 text (a binary or overwritten file?)")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    guard let first = lines.first else { return [] }
    guard headers.contains(first.split(separator: ",", omittingEmptySubsequences: false).map(String.init)) else {
      throw InformationPlaneError.corruptTable(url.path)
    }
    lines.removeFirst()
    return lines.map(splitCSVLine)
  }
}

/// `value` as indented JSON with sorted keys: how every file of a run and a sweep (config.json, sweep.json,
/// state.json) is written.
func prettyJSON(_ value: some Encodable) throws -> Data {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  return try encoder.encode(value)
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
