import Foundation
import Testing

@testable import InformationPlane

@Suite struct SweepGridTests {
  @Test func listsAndRangesMakeTheProductLastOptionFastest() throws {
    let grid = try SweepGrid(arguments: [
      "--dataset", "shapes", "--seed", "0..2", "--noise", "1e-3,1e-2", "--no-whiten", "--epochs=3",
    ])
    #expect(grid.axes.map(\.name) == ["--seed", "--noise"])
    #expect(grid.options.map(\.name) == ["--dataset", "--seed", "--noise", "--no-whiten", "--epochs"])
    let points = grid.points
    #expect(points.count == 6)
    #expect(
      points.map { $0.settings.map(\.value) } == [
        ["0", "1e-3"], ["0", "1e-2"], ["1", "1e-3"], ["1", "1e-2"], ["2", "1e-3"], ["2", "1e-2"],
      ])
    #expect(
      points[3].arguments == [
        "--dataset", "shapes", "--seed", "1", "--noise", "1e-2", "--no-whiten", "--epochs", "3",
      ])
    #expect(points[3].name == "003_seed=1_noise=1e-2")
    #expect(points[3].groupLabel == "noise=1e-2")
    #expect(points.map(\.index) == Array(0..<6))
  }

  @Test func aGridWithoutListsIsOnePoint() throws {
    let points = try SweepGrid(arguments: ["-k", "3", "--noise", "-1e-3"]).points
    #expect(points.count == 1 && points[0].name == "000" && points[0].groupLabel == "all")
    #expect(points[0].arguments == ["-k", "3", "--noise", "-1e-3"])
  }

  @Test func pathsAreNeverSplit() throws {
    let grid = try SweepGrid(arguments: ["--data-dir", "/data/a,b/../x", "--seed", "1,2"])
    #expect(grid.options[0].values == ["/data/a,b/../x"])
    #expect(grid.points[1].name == "001_seed=2")
  }

  @Test func awkwardCharactersInValuesDoNotReachDirectoryNames() throws {
    let grid = try SweepGrid(arguments: ["--model", "a/b,c d"])
    #expect(grid.points.map(\.name) == ["000_model=a-b", "001_model=c-d"])
  }

  @Test(arguments: [
    (["--out", "x"], "--out cannot be part of a sweep"),
    (["--resume"], "--resume cannot be part of a sweep"),
    (["--threads", "2"], "--threads cannot be part of a sweep"),
    (["shapes"], "Unexpected argument 'shapes'"),
    (["--seed", "1", "--seed", "2"], "--seed is given twice"),
    (["--seed", "4..2"], "needs m ≤ n"),
    (["--noise", "1e-3,,1e-2"], "empty item"),
    (["--noise", "1e-3,1e-3"], "lists a value twice"),
    (["--seed", "0..99999", "--noise", "1,2"], "more than 100000"),
  ])
  func badGridsAreNamed(arguments: [String], message: String) {
    #expect {
      _ = try SweepGrid(arguments: arguments)
    } throws: { error in
      guard case let InformationPlaneError.invalidSweep(text) = error else { return false }
      return text.contains(message)
    }
  }

  @Test func aJSONGridIsTheSameAsItsOptions() throws {
    let json = Data(
      #"{"seed": "0..1", "noise": [0.001, 0.01], "dataset": "shapes", "no-whiten": true, "timings": false, "k": 3}"#
        .utf8)
    let grid = try SweepGrid(json: json, file: "grid.json")
    // Alphabetical: dataset, k, no-whiten, noise, seed.
    let expected = try SweepGrid(arguments: [
      "--dataset", "shapes", "-k", "3", "--no-whiten", "--noise", "0.001,0.01", "--seed", "0..1",
    ])
    #expect(grid == expected)
    #expect(grid.points.count == 4)
    #expect {
      _ = try SweepGrid(json: Data("[1,2]".utf8), file: "grid.json")
    } throws: { "\($0)".contains("grid.json is not a sweep grid") }
    #expect {
      _ = try SweepGrid(json: Data(#"{"out": "x"}"#.utf8), file: "g.json")
    } throws: { "\($0)".contains("g.json: --out cannot") }
  }
}

@Suite struct SlurmJobScriptTests {
  @Test func arraySpecificationsCompressRuns() {
    #expect(SlurmJobScript.arraySpecification([0, 1, 2, 5, 7, 8], maxRunning: 2) == "0-2,5,7-8%2")
    #expect(SlurmJobScript.arraySpecification([3], maxRunning: nil) == "3")
    #expect(SlurmJobScript.arraySpecification([9, 8, 1, 0, 8], maxRunning: nil) == "0-1,8-9")
    #expect(SlurmJobScript.arraySpecification(Array(0..<10), maxRunning: 4) == "0-9%4")
  }

  @Test func theScriptRunsEveryPointWithTheSameBinaryAndItsResources() throws {
    let script = SlurmJobScript(
      executable: "/opt/my tools/infoplane", sweepDirectory: "/scratch/it's/sweep", points: 10, jobName: "ip-sweep",
      time: "01:30:00", cpusPerTask: 4, memory: "8G", partition: "gpu", maxRunning: 3,
      extraOptions: ["--account=ml", "--qos=short"])
    let lines = script.text.split(separator: "\n").map(String.init)
    #expect(lines.first == "#!/bin/bash")
    for expected in [
      "#SBATCH --job-name=ip-sweep", "#SBATCH --array=0-9%3", "#SBATCH --cpus-per-task=4", "#SBATCH --time=01:30:00",
      "#SBATCH --mem=8G", "#SBATCH --partition=gpu", "#SBATCH --account=ml", "#SBATCH --qos=short",
      "#SBATCH --output=/scratch/it's/sweep/slurm/%A_%a.out",
    ] {
      #expect(lines.contains(expected), "missing \(expected)")
    }
    // #SBATCH lines must all come before the first command, or sbatch ignores them.
    let firstCommand = lines.firstIndex { !$0.hasPrefix("#") }!
    #expect(lines.lastIndex { $0.hasPrefix("#SBATCH") }! < firstCommand)
    // The command line survives bash's quoting: run it with `exec` replaced by a printer.
    let command = try #require(lines.last)
    #expect(command.hasPrefix("exec "))
    let printer = "printf '%s\\n' " + command.dropFirst(5)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", printer]
    process.environment = ["SLURM_ARRAY_TASK_ID": "7", "SLURM_CPUS_PER_TASK": "4"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(
      output.split(separator: "\n").map(String.init) == [
        "/opt/my tools/infoplane", "sweep", "point", "/scratch/it's/sweep", "7", "--threads", "4",
      ])
  }

  @Test func optionalResourcesAreLeftToTheCluster() {
    let text = SlurmJobScript(
      executable: "/bin/infoplane", sweepDirectory: "/s", points: 1, jobName: "j", time: nil, cpusPerTask: 1,
      memory: nil, partition: nil, maxRunning: nil, extraOptions: []
    ).text
    #expect(!text.contains("--time") && !text.contains("--mem") && !text.contains("--partition"))
    #expect(text.contains("#SBATCH --array=0\n"))
  }
}

/// Runs written by hand (tables only) to check the aggregate against means and deviations computed here.
@Suite struct SweepAggregateTests {
  static func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("aggregate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A run in `directory` with `config` and, for each epoch 1…epochs, layers a and b at the given values.
  static func writeRun(
    _ directory: URL, config: ExperimentConfig, epochs: Int, value: (Int, String) -> (Double, Double),
    flagged: Set<Int> = []
  ) throws {
    let encoder = JSONEncoder()
    let store: RunStore
    if FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path) {
      store = try RunStore.open(directory)
      try encoder.encode(config).write(to: store.configURL)
    } else {
      store = try RunStore.create(at: directory, config: try encoder.encode(config))
    }
    let metrics = (1...max(1, epochs)).prefix(epochs).map {
      EpochSummary(
        epoch: $0, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: 0.5 + Double(config.seed) / 100,
        testROCAUC: 0.7, seconds: 1)
    }
    let information = metrics.flatMap { m in
      ["a", "b"].map { layer in
        let (ixl, ily) = value(m.epoch, layer)
        return LayerInformation(
          epoch: m.epoch, layer: layer, ixl: ixl, ixlStandardError: 0.01, ily: ily, ilyStandardError: 0.01,
          ixlSmoothed: ixl + 0.5, ilySmoothed: ily, flags: flagged.contains(m.epoch) ? ["I_LY:below-zero"] : [])
      }
    }
    try store.write(metrics: metrics, information: information)
  }

  /// A sweep of --seed 0..2 × --noise 1,2 whose runs hold I(X;L) = seed + noise·epoch and I(L;Y) = seed·layer.
  static func sweep(epochs: Int = 3) throws -> (URL, SweepManifest) {
    let directory = try directory()
    let grid = try SweepGrid(arguments: ["--seed", "0..2", "--noise", "1,2", "--epochs", String(epochs)])
    let configs = grid.points.map { point -> ExperimentConfig in
      var config = ExperimentConfig()
      config.seed = UInt64(point.settings[0].value)!
      config.noise = Float(point.settings[1].value)!
      config.epochs = epochs
      return config
    }
    let manifest = try SweepManifest.create(at: directory, grid: grid, configs: configs, version: "test")
    for (entry, config) in zip(manifest.points, configs) {
      try writeRun(manifest.runDirectory(of: entry, in: directory), config: config, epochs: epochs) { epoch, layer in
        (Double(config.seed) + Double(config.noise) * Double(epoch), Double(config.seed) * (layer == "a" ? 1 : 2))
      }
    }
    return (directory, manifest)
  }

  @Test func meansAndDeviationsAcrossSeedsPerGroup() throws {
    let (directory, _) = try Self.sweep()
    defer { try? FileManager.default.removeItem(at: directory) }
    let aggregate = try SweepAggregate.sweep(at: directory)
    #expect(aggregate.groups == ["noise=1", "noise=2"])
    #expect(aggregate.layers == ["a", "b"])
    #expect(aggregate.problems.isEmpty)
    #expect(aggregate.rows.count == 2 * 2 * 3)
    // Seeds 0, 1, 2: mean 1 + noise·epoch, sample sd 1; I(L;Y) of layer b: 0, 2, 4 → mean 2, sd 2.
    for row in aggregate.rows {
      let noise = row.group == "noise=1" ? 1.0 : 2.0
      #expect(row.runs == 3)
      #expect(abs(row.ixlMean - (1 + noise * Double(row.epoch))) < 1e-12)
      #expect(abs(row.ixlSD - 1) < 1e-12)
      #expect(abs(row.ixlSmoothedMean - (1.5 + noise * Double(row.epoch))) < 1e-12)
      #expect(abs(row.ilyMean - (row.layer == "a" ? 1 : 2)) < 1e-12)
      #expect(abs(row.ilySD - (row.layer == "a" ? 1 : 2)) < 1e-12)
    }
    let lines = aggregate.csv.split(separator: "\n")
    #expect(lines.count == 13)
    #expect(
      lines[0]
        == "epoch,layer,setting,runs,I_XL_mean,I_XL_sd,I_LY_mean,I_LY_sd,I_XL_smoothed_mean,I_LY_smoothed_mean,flagged")
    #expect(lines[1] == "1,a,noise=1,3,2.0,1.0,1.0,1.0,2.5,1.0,0")
  }

  @Test func runsWithOtherSettingsOrMissingEpochsAreNamedNotAveraged() throws {
    let (directory, manifest) = try Self.sweep()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Point 2 (seed 1, noise 1): its config.json now says noise 5 — not what the sweep declares.
    var edited = manifest.points[2].config
    edited.noise = 5
    try Self.writeRun(manifest.runDirectory(of: manifest.points[2], in: directory), config: edited, epochs: 3) {
      _, _ in (100, 100)
    }
    // Point 4 (seed 2, noise 1) has only its first epoch, flagged.
    let short = manifest.runDirectory(of: manifest.points[4], in: directory)
    try FileManager.default.removeItem(at: short)
    try Self.writeRun(short, config: manifest.points[4].config, epochs: 1, value: { _, _ in (2 + 1, 2) }, flagged: [1])
    // Point 5 has no epoch at all.
    try FileManager.default.removeItem(
      at: RunStore(directory: manifest.runDirectory(of: manifest.points[5], in: directory)).metricsURL)

    let aggregate = try SweepAggregate.sweep(at: directory)
    #expect(aggregate.problems.count == 3)
    #expect(
      aggregate.problems.contains {
        $0.hasPrefix("002_seed=1_noise=1:") && $0.contains("noise") && $0.contains("left out")
      })
    #expect(aggregate.problems.contains { $0.hasPrefix("004_seed=2_noise=1: epochs 1–1 of 3") })
    #expect(aggregate.problems.contains { $0.hasPrefix("005_seed=2_noise=2: no complete epoch") })
    #expect(!aggregate.runs.contains { $0.name.hasPrefix("002") || $0.name.hasPrefix("005") })
    let noise1 = aggregate.rows.filter { $0.group == "noise=1" && $0.layer == "a" }
    // Epoch 1: seeds 0 and 2 (values 1 and 3); epochs 2–3: seed 0 alone, no deviation.
    #expect(noise1.map(\.runs) == [2, 1, 1])
    #expect(noise1[0].ixlMean == 2 && abs(noise1[0].ixlSD - 2.0.squareRoot()) < 1e-12 && noise1[0].flagged == 1)
    #expect(noise1[1].ixlMean == 2 && noise1[1].ixlSD.isNaN)
    #expect(aggregate.csv.contains("\n2,a,noise=1,1,2.0,,0.0,,2.5,0.0,0\n"))
  }

  @Test func runDirectoriesGroupBySettingsOtherThanTheSeed() throws {
    let root = try Self.directory()
    defer { try? FileManager.default.removeItem(at: root) }
    var urls: [URL] = []
    for (seed, dropout) in [(0, 0.1), (1, 0.1), (2, 0.3)] {
      var config = ExperimentConfig()
      config.seed = UInt64(seed)
      config.dropout = Float(dropout)
      config.epochs = 2
      let url = root.appendingPathComponent("run\(seed)")
      try Self.writeRun(url, config: config, epochs: 2) { epoch, _ in (Double(seed + epoch), 0.5) }
      urls.append(url)
    }
    let aggregate = try SweepAggregate.runs(urls)
    #expect(aggregate.groups == ["dropout=0.1", "dropout=0.3"])
    #expect(aggregate.runs.map(\.group) == ["dropout=0.1", "dropout=0.1", "dropout=0.3"])
    let first = try #require(aggregate.rows.first { $0.group == "dropout=0.1" && $0.epoch == 2 && $0.layer == "a" })
    #expect(first.runs == 2 && first.ixlMean == 2.5 && abs(first.ixlSD - 0.5.squareRoot()) < 1e-12)
    #expect(throws: InformationPlaneError.notARun(root.path)) { try SweepAggregate.runs([root, urls[0]]) }
  }

  @Test func theReportDrawsEveryLayerAndNamesTheProblems() throws {
    let (directory, manifest) = try Self.sweep()
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.removeItem(
      at: RunStore(directory: manifest.runDirectory(of: manifest.points[5], in: directory)).metricsURL)
    let html = SweepReport.make(title: "t", aggregate: try SweepAggregate.sweep(at: directory)).render()
    #expect(html.contains("5 runs in 2 groups"))
    #expect(html.contains("005_seed=2_noise=2: no complete epoch yet; left out."))
    #expect(html.components(separatedBy: "<svg").count - 1 == 2 * 3)
    #expect(html.contains("noise=1") && html.contains("noise=2"))
  }
}

@Suite struct SweepStatusTests {
  @Test func statesComeFromTheRunDirectories() throws {
    let (directory, manifest) = try SweepAggregateTests.sweep(epochs: 3)
    defer { try? FileManager.default.removeItem(at: directory) }
    func run(_ i: Int) -> URL { manifest.runDirectory(of: manifest.points[i], in: directory) }
    // 0: done (3/3). 1: only epoch 1 and no process → interrupted. 2: failed with a message. 3: queued.
    // 4: running (this process holds its lock). 5: never started.
    try SweepAggregateTests.writeRun(run(1), config: manifest.points[1].config, epochs: 1) { _, _ in (1, 1) }
    try SweepPointState(phase: .running, epochs: 1).write(to: run(1))
    for i in 2...5 { try FileManager.default.removeItem(at: RunStore(directory: run(i)).metricsURL) }
    try SweepPointState(phase: .failed, epochs: 0, message: "Error: out of memory").write(to: run(2))
    try SweepPointState(phase: .queued, epochs: 0, message: "Slurm job 17").write(to: run(3))
    let lock = try #require(try RunLock(directory: run(4), wait: false))
    try SweepPointState(phase: .running, epochs: 0).write(to: run(4))
    let status = SweepPointStatus.read(manifest, in: directory)
    #expect(status.map(\.state) == [.done, .interrupted, .failed, .queued, .running, .pending])
    #expect(status.map(\.epochs) == [3, 1, 0, 0, 0, 0])
    #expect(status[2].detail == "Error: out of memory" && status[3].detail == "Slurm job 17")
    #expect(status.map(\.needsRun) == [false, true, true, false, false, true])
    // A second lock on a held point is refused; once released, the point is no longer running.
    #expect(try RunLock(directory: run(4), wait: false) == nil)
    lock.release()
    #expect(SweepPointStatus.read(manifest, in: directory)[4].state == .interrupted)
  }

  @Test func aDifferentSweepInTheSameDirectoryIsRefused() throws {
    let (directory, manifest) = try SweepAggregateTests.sweep()
    defer { try? FileManager.default.removeItem(at: directory) }
    let grid = try SweepGrid(arguments: ["--seed", "0..3"])
    #expect {
      _ = try SweepManifest.create(
        at: directory, grid: grid, configs: Array(repeating: ExperimentConfig(), count: 4), version: "t")
    } throws: { "\($0)".contains("holds a different sweep") }
    // The same sweep again returns the stored manifest.
    let again = try SweepManifest.create(
      at: directory, grid: manifest.grid, configs: manifest.points.map(\.config), version: "other")
    #expect(again == manifest)
  }
}
