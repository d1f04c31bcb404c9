import Foundation

/// A run directory: `config.json`, `metrics.csv`, `mi.csv`, `checkpoints/`, `report.html`.
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

  /// Replaces `metrics.csv` and `mi.csv` with these rows (mi first, metrics last: metrics marks an epoch complete).
  package func write(metrics: [EpochSummary], information: [LayerInformation]) throws {
    try writeTable(LayerInformation.header, information.map(\.fields), to: informationURL)
    try writeTable(EpochSummary.header, metrics.map(\.fields), to: metricsURL)
  }

  /// The complete epochs so far: rows of both tables up to the last epoch that has a metrics row and a checkpoint
  /// (only the latest checkpoints are kept; earlier epochs need only their rows).
  package func load(resumable: Bool = true) throws -> (metrics: [EpochSummary], information: [LayerInformation]) {
    let metrics = try readTable(metricsURL, headers: [EpochSummary.header]).map(EpochSummary.init(fields:))
    let information = try readTable(
      informationURL, headers: [LayerInformation.header, LayerInformation.headerWithoutFlags]
    )
    .map(LayerInformation.init(fields:))
    // Epochs 1…N present in order; for resuming, the last of them that has a checkpoint is where training resumes.
    var contiguous = 0
    for row in metrics where row.epoch == contiguous + 1 { contiguous = row.epoch }
    var complete = contiguous
    while resumable && complete > 0 && !FileManager.default.fileExists(atPath: checkpointURL(epoch: complete).path) {
      complete -= 1
    }
    return (metrics.filter { $0.epoch <= complete }, information.filter { $0.epoch <= complete })
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
