import Foundation

/// A sweep directory's `sweep.json`: the grid, and every point with its run directory and the settings declared for
/// it. Each point's run lives in `SWEEP/runs/NAME/` and is a pure function of its `config.json`, which the sweep
/// writes when it creates the directory; engines (local processes, Slurm array tasks) only ever run
/// `infoplane sweep point SWEEP INDEX`.
public struct SweepManifest: Sendable, Equatable, Codable {
  /// One point: where its run is and what it was declared to be.
  public struct Entry: Sendable, Equatable, Codable {
    /// The grid point (index, settings, `ib` arguments).
    public var point: SweepPoint
    /// The run directory, relative to the sweep directory (`runs/NAME`).
    public var directory: String
    /// The settings of the run as declared by its `ib` arguments (written to its `config.json`).
    public var config: ExperimentConfig
  }

  /// The layout's version (1).
  public var format = 1
  /// The tool version that created the sweep.
  public var version: String
  /// The grid as given.
  public var grid: SweepGrid
  /// Every point in grid order; `points[i].point.index == i`.
  public var points: [Entry]

  /// The manifest's file name inside the sweep directory.
  public static let fileName = "sweep.json"

  /// Whether `directory` holds a sweep (a `sweep.json`).
  public static func exists(in directory: URL) -> Bool {
    FileManager.default.fileExists(atPath: directory.appendingPathComponent(fileName).path)
  }

  /// The manifest of the sweep in `directory`.
  /// - Throws: `InformationPlaneError.invalidSweep` naming the file when it is missing or unreadable.
  public static func load(from directory: URL) throws -> SweepManifest {
    let url = directory.appendingPathComponent(fileName)
    guard let data = try? Data(contentsOf: url) else {
      throw InformationPlaneError.invalidSweep(
        "\(directory.path) is not a sweep directory (no readable \(fileName)); create one with `infoplane sweep`.")
    }
    do {
      return try JSONDecoder().decode(SweepManifest.self, from: data)
    } catch {
      throw InformationPlaneError.invalidSweep(
        "\(url.path) is not a sweep manifest (it was edited or written by another tool): \(error)")
    }
  }

  /// The run directory of `entry` in the sweep `directory`.
  public func runDirectory(of entry: Entry, in directory: URL) -> URL {
    directory.appendingPathComponent(entry.directory, isDirectory: true)
  }

  /// The entry at `index`.
  /// - Throws: `InformationPlaneError.invalidSweep` when the sweep has no such point.
  public func entry(_ index: Int) throws -> Entry {
    guard points.indices.contains(index) else {
      throw InformationPlaneError.invalidSweep(
        "The sweep has points 0…\(points.count - 1); there is no point \(index).")
    }
    return points[index]
  }

  /// Creates the sweep in `directory` (manifest and one run directory with its `config.json` per point), or, when
  /// `directory` already holds a sweep, checks that it declares the same points and returns the stored manifest.
  /// - Parameters:
  ///   - grid: the grid.
  ///   - configs: the settings of every point of `grid.points`, in order (parsed from their `ib` arguments).
  ///   - version: the tool version.
  /// - Throws: `InformationPlaneError.invalidSweep` when the directory holds a different sweep, or a point's run
  ///   directory holds a run with other settings; `.ioFailure` when a file cannot be written.
  public static func create(
    at directory: URL, grid: SweepGrid, configs: [ExperimentConfig], version: String
  ) throws -> SweepManifest {
    let points = grid.points
    precondition(points.count == configs.count, "one configuration per point")
    let entries = zip(points, configs).map { point, config in
      var config = config
      config.version = version
      return Entry(point: point, directory: "runs/" + point.name, config: config)
    }
    var manifest = SweepManifest(version: version, grid: grid, points: entries)
    if exists(in: directory) {
      let stored = try load(from: directory)
      let same =
        stored.points.count == entries.count
        && zip(stored.points, entries).allSatisfy {
          $0.directory == $1.directory && $0.config.declares($1.config)
        }
      guard same else {
        throw InformationPlaneError.invalidSweep(
          "\(directory.path) holds a different sweep (\(stored.points.count) points: "
            + "\(stored.grid.axes.map(\.name).joined(separator: ", "))); run it with the same options "
            + "(see its \(fileName)), or choose another --out.")
      }
      manifest = stored
    }
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      for entry in manifest.points { try manifest.ensureConfig(of: entry, in: directory) }
      if !exists(in: directory) {
        try prettyJSON(manifest).write(to: directory.appendingPathComponent(fileName), options: .atomic)
      }
    } catch let error as InformationPlaneError {
      throw error
    } catch {
      throw InformationPlaneError.ioFailure(
        "Cannot create the sweep in \(directory.path): \(error.localizedDescription)")
    }
    return manifest
  }

  /// Writes `config.json` of a point that has none (new, or removed since); checks the one it has.
  /// - Throws: As `checkedConfig(of:in:)`; the run store's errors when it cannot be written.
  package func ensureConfig(of entry: Entry, in directory: URL) throws {
    let store = RunStore(directory: runDirectory(of: entry, in: directory))
    guard FileManager.default.fileExists(atPath: store.configURL.path) else {
      _ = try RunStore.create(at: store.directory, settings: entry.config)
      return
    }
    _ = try checkedConfig(of: entry, in: directory)
  }

  /// The settings in the point's `config.json`, which must be those the sweep declares for it.
  /// - Throws: `InformationPlaneError.damagedRunFile` for an unreadable file; `.invalidSweep` naming the file, the
  ///   point and the settings that differ.
  package func checkedConfig(of entry: Entry, in directory: URL) throws -> ExperimentConfig {
    let store = RunStore(directory: runDirectory(of: entry, in: directory))
    let stored = try store.decodedConfig()
    guard entry.config.declares(stored) else {
      throw InformationPlaneError.invalidSweep(
        "\(store.configURL.path) differs from the settings the sweep declares for point \(entry.point.index) in "
          + "\(entry.config.differences(from: stored).joined(separator: ", ")); restore it, or remove that run "
          + "directory (or choose another --out).")
    }
    return stored
  }
}

extension ExperimentConfig {
  /// What must agree between a sweep's declaration and a run: every setting but the tool version, and the model
  /// only when both name one (a run records the default model it picked).
  var sweepKey: ExperimentConfig {
    var copy = self
    copy.version = ""
    copy.model = nil
    return copy
  }

  /// The settings as `config.json` spells them: key → value as text (keys of unset optional settings absent).
  var fields: [String: String] {
    guard let data = try? JSONEncoder().encode(self),
      let dictionary = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [:] }
    return dictionary.mapValues { "\($0)" }
  }

  /// Whether a run with settings `run` is the run these settings declare (`sweepKey`s equal, models equal where
  /// both are named).
  package func declares(_ run: ExperimentConfig) -> Bool {
    sweepKey == run.sweepKey && (model == nil || run.model == nil || model == run.model)
  }

  /// The settings (config.json keys) in which `other` differs from `self`, compared as `sweepKey`s.
  package func differences(from other: ExperimentConfig) -> [String] {
    let (a, b) = (sweepKey.fields, other.sweepKey.fields)
    var keys = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    if let m1 = model, let m2 = other.model, m1 != m2 { keys.append("model") }
    return keys
  }
}
