import Foundation

/// Several information-plane runs of the same settings but different seeds (a sweep's points, or run directories
/// given by hand) summarised per group of settings, epoch and layer: mean and standard deviation across runs of
/// I(X;L) and I(L;Y). Runs whose settings are not the ones declared for them are left out and named; runs with
/// fewer epochs than others are kept where they have data and named, and every row says how many runs it averages.
public struct SweepAggregate: Sendable {
  /// One run that enters the aggregate.
  public struct Run: Sendable {
    /// Its run directory's name.
    public var name: String
    /// The settings that tell its group from the others ("all" when there is one group).
    public var group: String
    /// Its settings.
    public var config: ExperimentConfig
    /// Its complete epochs' metrics.
    public var metrics: [EpochSummary]
    /// Its complete epochs' MI rows.
    public var information: [LayerInformation]
  }

  /// One row of `aggregate.csv`: a group, epoch and layer across the runs that have it.
  public struct Row: Sendable, Equatable {
    /// The epoch (1-based).
    public var epoch: Int
    /// The layer.
    public var layer: String
    /// The group's settings label.
    public var group: String
    /// Runs averaged.
    public var runs: Int
    /// Mean over runs of I(X;L), nats.
    public var ixlMean: Double
    /// Sample standard deviation (n − 1) over runs of I(X;L), nats; NaN for one run.
    public var ixlSD: Double
    /// Mean over runs of I(L;Y), nats.
    public var ilyMean: Double
    /// Sample standard deviation over runs of I(L;Y), nats; NaN for one run.
    public var ilySD: Double
    /// Mean over runs of the smoothed I(X;L), nats.
    public var ixlSmoothedMean: Double
    /// Mean over runs of the smoothed I(L;Y), nats.
    public var ilySmoothedMean: Double
    /// Runs whose estimate (either) is flagged as untrustworthy at this epoch and layer.
    public var flagged: Int
  }

  /// The runs that enter the aggregate, in order.
  public var runs: [Run]
  /// Group labels in order of first appearance.
  public var groups: [String]
  /// Layers in display order (of the first run that has each).
  public var layers: [String]
  /// The aggregate, by group, layer and epoch.
  public var rows: [Row]
  /// Runs left out or incomplete, each named with the reason.
  public var problems: [String]

  /// The aggregate of the sweep in `directory` (its `sweep.json`): groups are the swept settings other than
  /// `--seed`.
  /// - Throws: `InformationPlaneError.invalidSweep` when `directory` is not a sweep.
  public static func sweep(at directory: URL) throws -> SweepAggregate {
    let manifest = try SweepManifest.load(from: directory)
    var runs: [Run] = []
    var problems: [String] = []
    for entry in manifest.points {
      let url = manifest.runDirectory(of: entry, in: directory)
      let name = entry.point.name
      guard let config = try? RunStore(directory: url).decodedConfig() else {
        problems.append("\(name): no readable config.json; left out.")
        continue
      }
      guard entry.config.declares(config) else {
        let keys = entry.config.differences(from: config)
        problems.append(
          "\(name): its config.json differs from the settings the sweep declares (\(keys.joined(separator: ", "))); "
            + "left out.")
        continue
      }
      guard let (metrics, information) = try? RunStore(directory: url).load(resumable: false) else {
        problems.append("\(name): metrics.csv or mi.csv is unreadable; left out.")
        continue
      }
      runs.append(
        Run(
          name: name, group: entry.point.groupLabel, config: config, metrics: metrics, information: information))
    }
    return make(runs: runs, problems: problems)
  }

  /// The aggregate of run directories given by hand: runs whose settings differ only in the seed form one group;
  /// groups are labelled by the settings that tell them apart.
  /// - Throws: `InformationPlaneError.notARun` for a directory without `config.json`, `.corruptTable` for a
  ///   table that cannot be read.
  public static func runs(_ directories: [URL]) throws -> SweepAggregate {
    var loaded: [(name: String, config: ExperimentConfig, tables: ([EpochSummary], [LayerInformation]))] = []
    for url in directories {
      let store = try RunStore.open(url)
      let config = try store.decodedConfig()
      loaded.append((url.lastPathComponent, config, try store.load(resumable: false)))
    }
    func key(_ config: ExperimentConfig) -> ExperimentConfig {
      var copy = config.sweepKey
      copy.seed = 0
      copy.epochs = 0
      copy.model = config.model
      return copy
    }
    var keys: [ExperimentConfig] = []
    for run in loaded where !keys.contains(key(run.config)) { keys.append(key(run.config)) }
    // Label each group by the settings in which the groups differ.
    let differing = Set(keys.flatMap { a in keys.flatMap { b in a.differences(from: b) } }).sorted()
    func label(_ config: ExperimentConfig) -> String {
      guard keys.count > 1 else { return "all" }
      let fields = config.fields
      return differing.map { "\($0)=\(fields[$0] ?? "default")" }.joined(separator: ", ")
    }
    let runs = loaded.map { run in
      Run(
        name: run.name, group: label(run.config), config: run.config, metrics: run.tables.0,
        information: run.tables.1)
    }
    return make(runs: runs, problems: [])
  }

  static func make(runs all: [Run], problems initial: [String]) -> SweepAggregate {
    var problems = initial
    var runs: [Run] = []
    for run in all {
      if run.metrics.isEmpty {
        problems.append("\(run.name): no complete epoch yet; left out.")
      } else {
        runs.append(run)
      }
    }
    var groups: [String] = []
    var layers: [String] = []
    for run in runs {
      if !groups.contains(run.group) { groups.append(run.group) }
      for row in run.information where !layers.contains(row.layer) { layers.append(row.layer) }
    }
    for group in groups {
      let members = runs.filter { $0.group == group }
      let longest = members.map(\.metrics.count).max() ?? 0
      for run in members where run.metrics.count < longest {
        problems.append(
          "\(run.name): epochs 1–\(run.metrics.count) of \(longest) complete; later epochs of \(group) average "
            + "fewer runs (see the runs column).")
      }
    }
    var rows: [Row] = []
    for group in groups {
      let members = runs.filter { $0.group == group }
      for layer in layers {
        var byEpoch: [Int: [LayerInformation]] = [:]
        for run in members {
          for row in run.information where row.layer == layer { byEpoch[row.epoch, default: []].append(row) }
        }
        for epoch in byEpoch.keys.sorted() {
          let values = byEpoch[epoch]!
          let (ixl, ixlSD) = meanAndSD(values.map(\.ixl))
          let (ily, ilySD) = meanAndSD(values.map(\.ily))
          rows.append(
            Row(
              epoch: epoch, layer: layer, group: group, runs: values.count, ixlMean: ixl, ixlSD: ixlSD,
              ilyMean: ily, ilySD: ilySD, ixlSmoothedMean: meanAndSD(values.map(\.ixlSmoothed)).mean,
              ilySmoothedMean: meanAndSD(values.map(\.ilySmoothed)).mean,
              flagged: values.filter { $0.ixlFlagged || $0.ilyFlagged }.count))
        }
      }
    }
    return SweepAggregate(runs: runs, groups: groups, layers: layers, rows: rows, problems: problems)
  }

  /// Mean and sample standard deviation (n − 1; NaN for fewer than two values); NaN values are skipped.
  static func meanAndSD(_ values: [Double]) -> (mean: Double, sd: Double) {
    let finite = values.filter { !$0.isNaN }
    guard !finite.isEmpty else { return (.nan, .nan) }
    let mean = finite.reduce(0, +) / Double(finite.count)
    guard finite.count > 1 else { return (mean, .nan) }
    let variance = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)
    return (mean, variance.squareRoot())
  }

  /// The header of `aggregate.csv`.
  public static let header = [
    "epoch", "layer", "setting", "runs", "I_XL_mean", "I_XL_sd", "I_LY_mean", "I_LY_sd", "I_XL_smoothed_mean",
    "I_LY_smoothed_mean", "flagged",
  ]

  /// `aggregate.csv`: one row per group, layer and epoch; MI in nats; an empty sd where one run has the epoch.
  public var csv: String {
    var text = Self.header.joined(separator: ",") + "\n"
    for row in rows {
      let fields =
        [String(row.epoch), row.layer, row.group, String(row.runs)]
        + [row.ixlMean, row.ixlSD, row.ilyMean, row.ilySD, row.ixlSmoothedMean, row.ilySmoothedMean].map(csvNumber)
        + [String(row.flagged)]
      text += fields.map(csvField).joined(separator: ",") + "\n"
    }
    return text
  }
}
