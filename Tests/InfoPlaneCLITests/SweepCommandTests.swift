import Foundation
import InfoPlane
import Testing

@testable import infoplane

/// `infoplane sweep`, `sweep status`, `sweep point` and `report` on sweeps. The engines start the built `infoplane`
/// executable (next to the test bundle), as users' sweeps do.
@Suite(.serialized) struct SweepCommandTests {
  /// The `infoplane` executable `swift test` built beside the test bundle.
  static func executable() throws -> URL {
    let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent()
    for directory in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
      let candidate = directory.appendingPathComponent("infoplane")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    Issue.record("the infoplane executable is not next to \(CommandLine.arguments[0]); build it with the tests")
    throw CancellationError()
  }

  /// A tiny grid: 2 seeds × 2 σ, 3 epochs of the shapes CNN on a few hundred images.
  static let grid = [
    "--seed", "0..1", "--noise", "1e-3,1e-2", "--epochs", "3", "--train-samples", "300", "--test-samples", "150",
    "--eval-samples", "150", "--x-compressor", "pca", "--batch-size", "100",
  ]

  /// Runs `infoplane ARGUMENTS` as a process and returns its exit status and stderr.
  @discardableResult
  static func launch(
    _ arguments: [String], killAfter seconds: Double? = nil, killWhen condition: (() -> Bool)? = nil
  ) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = try executable()
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    if let seconds {
      Thread.sleep(forTimeInterval: seconds)
      kill(process.processIdentifier, SIGKILL)
    }
    if let condition {
      while process.isRunning && !condition() { Thread.sleep(forTimeInterval: 0.005) }
      kill(process.processIdentifier, SIGKILL)
    }
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
  }

  static func table(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

  /// metrics.csv without its wall-clock column.
  static func metricsWithoutSeconds(_ run: URL) throws -> [String] {
    try table(run.appendingPathComponent("metrics.csv")).split(separator: "\n").map {
      $0.split(separator: ",").dropLast().joined(separator: ",")
    }
  }

  @Test func aLocalSweepRunsEveryPointAndAggregatesThem() throws {
    let root = try CLITest.directory("sweep-local")
    defer { try? FileManager.default.removeItem(at: root) }
    let sweep = root.appendingPathComponent("s")
    let (status, log) = try Self.launch(["sweep", "--out", sweep.path, "--jobs", "2"] + Self.grid)
    #expect(status == 0, "\(log)")
    let manifest = try SweepManifest.load(from: sweep)
    #expect(
      manifest.points.map(\.point.name) == [
        "000_seed=0_noise=1e-3", "001_seed=0_noise=1e-2", "002_seed=1_noise=1e-3", "003_seed=1_noise=1e-2",
      ])
    #expect(SweepPointStatus.read(manifest, in: sweep).allSatisfy { $0.state == .done && $0.epochs == 3 })
    for entry in manifest.points {
      let config = try IBCommandTests.config(manifest.runDirectory(of: entry, in: sweep))
      #expect(config.seed == UInt64(entry.point.settings[0].value)!)
      #expect(config.noise == Float(entry.point.settings[1].value)!)
      #expect(config.epochs == 3 && config.trainSamples == 300)
    }
    // aggregate.csv: the mean and sd of each group's two seeds, recomputed here from the runs' own mi.csv.
    let rows = try Self.table(sweep.appendingPathComponent("aggregate.csv")).split(separator: "\n").dropFirst()
      .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let layers = ClassifierArchitecture.mnistCNN.probeNames
    #expect(rows.count == 2 * layers.count * 3)
    for row in rows {
      let group = row[2] == "noise=1e-3" ? [0, 2] : [1, 3]
      #expect(row[3] == "2")
      let values = try group.map { index -> Double in
        let run = manifest.runDirectory(of: manifest.points[index], in: sweep)
        let own = try #require(try IBCommandTests.rows(run).first { $0[0] == row[0] && $0[1] == row[1] })
        return Double(own[2])!
      }
      let mean = (values[0] + values[1]) / 2
      let sd = abs(values[0] - values[1]) / 2.0.squareRoot()
      #expect(abs(Double(row[4])! - mean) <= 1e-12 * max(1, abs(mean)), "\(row)")
      #expect(abs(Double(row[5])! - sd) <= 1e-9 * max(1, sd), "\(row)")
    }
    let report = try Self.table(sweep.appendingPathComponent("report.html"))
    #expect(report.contains("4 runs in 2 groups") && report.contains("noise=1e-2"))

    // Running the same command again recomputes nothing: every run's files stay as they are.
    func stamps() throws -> [Date] {
      try manifest.points.flatMap { entry -> [Date] in
        let run = manifest.runDirectory(of: entry, in: sweep)
        return try ["metrics.csv", "mi.csv", "log.txt"].map {
          try FileManager.default.attributesOfItem(atPath: run.appendingPathComponent($0).path)[.modificationDate]
            as! Date
        }
      }
    }
    let before = try stamps()
    let (again, text) = try Self.launch(["sweep", "--out", sweep.path, "--jobs", "2"] + Self.grid)
    #expect(again == 0 && text.contains("4 done") && !text.contains("started"), "\(text)")
    #expect(try stamps() == before)
    // So does continuing it by its directory alone; a different grid in it is refused.
    #expect(try Self.launch(["sweep", "--out", sweep.path]).0 == 0)
    #expect(try stamps() == before)
    #expect(
      CLITest.fails(["sweep", "--out", sweep.path, "--seed", "0..2"], saying: ["holds a different sweep"]))

    // sweep status and report read the same directory.
    #expect(CLITest.status(["sweep", "status", sweep.path]) == 0)
    let copy = root.appendingPathComponent("again.html")
    #expect(CLITest.status(["report", sweep.path, "--out", copy.path, "--quiet"]) == 0)
    #expect(try Self.table(copy).contains("4 runs in 2 groups"))
    // Several run directories: the same groups, found from their settings.
    let runs = manifest.points.map { manifest.runDirectory(of: $0, in: sweep).path }
    let out = root.appendingPathComponent("agg/report.html")
    #expect(CLITest.status(["report"] + runs + ["--out", out.path]) == 0)
    let csv = try Self.table(root.appendingPathComponent("agg/aggregate.csv"))
    #expect(csv.contains(",noise=0.001,2,") && csv.contains(",noise=0.01,2,"))
  }

  /// Killing the sweep process at any moment (its points stop with it) and running the same command again gives
  /// the numbers of a sweep that was never interrupted.
  @Test func aKilledSweepResumesToTheSameNumbers() throws {
    let root = try CLITest.directory("sweep-kill")
    defer { try? FileManager.default.removeItem(at: root) }
    let reference = root.appendingPathComponent("reference")
    let (status, log) = try Self.launch(["sweep", "--out", reference.path, "--jobs", "2", "--quiet"] + Self.grid)
    #expect(status == 0, "\(log)")
    let interrupted = root.appendingPathComponent("interrupted")
    let command = ["sweep", "--out", interrupted.path, "--jobs", "2", "--quiet"] + Self.grid
    let manifest = try SweepManifest.load(from: reference)
    func completeEpochs() -> [Int] {
      SweepPointStatus.read(manifest, in: interrupted).map(\.epochs)
    }
    // Kill at random moments, then at the moment some point has finished its first, then its second epoch.
    var generator = SplitMix(seed: 7)
    var kills = 0
    for _ in 0..<2 {
      if try Self.launch(command, killAfter: 0.02 + 0.3 * generator.unit()).0 != 0 { kills += 1 }
    }
    for epochs in 1...2 {
      let before = completeEpochs().filter { $0 >= epochs }.count
      if try Self.launch(command, killWhen: { completeEpochs().filter { $0 >= epochs }.count > before }).0 != 0 {
        kills += 1
      }
    }
    #expect(kills >= 2, "the sweep ended before it was killed")
    let (code, text) = try Self.launch(command)
    #expect(code == 0, "\(text)")
    // Some point was stopped mid-run and resumed from its last complete epoch.
    let logs = try manifest.points.map {
      try Self.table(manifest.runDirectory(of: $0, in: interrupted).appendingPathComponent("log.txt"))
    }
    #expect(logs.contains { $0.contains("resuming after epoch 1") || $0.contains("resuming after epoch 2") })
    for entry in manifest.points {
      let a = manifest.runDirectory(of: entry, in: reference)
      let b = manifest.runDirectory(of: entry, in: interrupted)
      #expect(try Self.table(a.appendingPathComponent("mi.csv")) == Self.table(b.appendingPathComponent("mi.csv")))
      #expect(try Self.metricsWithoutSeconds(a) == Self.metricsWithoutSeconds(b))
      #expect(SweepPointState.load(from: b)?.phase == .done)
    }
    #expect(
      try Self.table(reference.appendingPathComponent("aggregate.csv"))
        == Self.table(interrupted.appendingPathComponent("aggregate.csv")))
  }

  @Test func aPointRunsAloneAndRefusesASecondProcess() throws {
    let root = try CLITest.directory("sweep-point")
    defer { try? FileManager.default.removeItem(at: root) }
    let sweep = root.appendingPathComponent("s")
    #expect(
      CLITest.status(
        [
          "sweep", "--out", sweep.path, "--engine", "slurm", "--dry-run", "--seed", "3", "--epochs", "1",
          "--train-samples", "200", "--test-samples", "120", "--eval-samples", "120", "--x-compressor", "pca",
        ]) == 0)
    let run = sweep.appendingPathComponent("runs/000")
    #expect(SweepPointState.load(from: run) == nil)
    // While another process holds the point, a point command exits at once without touching it.
    let lock = try #require(try RunLock(directory: run, wait: false))
    #expect(CLITest.status(["sweep", "point", sweep.path, "0", "--quiet"]) == 0)
    #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("metrics.csv").path))
    lock.release()
    #expect(CLITest.status(["sweep", "point", sweep.path, "0", "--quiet", "--threads", "1"]) == 0)
    #expect(SweepPointState.load(from: run)?.phase == .done)
    #expect(try IBCommandTests.config(run).seed == 3)
    #expect(CLITest.fails(["sweep", "point", sweep.path, "1"], saying: ["points 0…0", "no point 1"]))
    // A config.json edited after the sweep was declared is refused, naming the setting.
    var edited = try IBCommandTests.config(run)
    edited.noise = 0.5
    try JSONEncoder().encode(edited).write(to: run.appendingPathComponent("config.json"))
    #expect(CLITest.fails(["sweep", "point", sweep.path, "0"], saying: ["differs from the settings", "noise"]))
  }

  @Test func badSweepsFailWithTheirReason() throws {
    let root = try CLITest.directory("sweep-bad")
    defer { try? FileManager.default.removeItem(at: root) }
    let out = root.appendingPathComponent("s").path
    #expect(CLITest.fails(["sweep", "--out", out], saying: ["A sweep needs ib options"]))
    #expect(CLITest.fails(["sweep", "--out", out, "--seed", "0,1", "--resume"], saying: ["--resume cannot"]))
    #expect(
      CLITest.fails(
        ["sweep", "--out", out, "--noise", "1e-3,-1", "--seed", "0"],
        saying: ["Point 1", "--noise -1", "--noise"]))
    #expect(CLITest.fails(["sweep", "--out", out, "--seed", "0..1", "--jobs", "0"], saying: ["--jobs"]))
    #expect(
      CLITest.fails(
        ["sweep", "--out", out, "--grid", root.appendingPathComponent("none.json").path], saying: ["none.json"]))
    #expect(CLITest.fails(["sweep", "status", root.path], saying: ["not a sweep directory"]))
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func slurmDryRunWritesTheScriptAndSubmitsNothing() throws {
    let root = try CLITest.directory("sweep-dry")
    defer { try? FileManager.default.removeItem(at: root) }
    let sweep = root.appendingPathComponent("s")
    #expect(
      CLITest.status(
        [
          "sweep", "--out", sweep.path, "--engine", "slurm", "--dry-run", "--cpus-per-task", "2", "--time", "00:20:00",
          "--mem", "2G", "--max-running", "3", "--executable", try Self.executable().path, "--sbatch-option=--qos=low",
        ]
          + Self.grid) == 0)
    let script = try Self.table(sweep.appendingPathComponent("slurm/sweep.sbatch"))
    for line in [
      "#SBATCH --array=0-3%3", "#SBATCH --cpus-per-task=2", "#SBATCH --time=00:20:00", "#SBATCH --mem=2G",
      "#SBATCH --qos=low", "sweep point '\(sweep.path)' \"$SLURM_ARRAY_TASK_ID\"",
    ] {
      #expect(script.contains(line), "missing \(line)")
    }
    let manifest = try SweepManifest.load(from: sweep)
    #expect(SweepPointStatus.read(manifest, in: sweep).allSatisfy { $0.state == .pending })
    // A relative --data-dir is stored absolute: points run in other working directories (a Slurm node's).
    let mnist = root.appendingPathComponent("m")
    #expect(
      CLITest.status(
        [
          "sweep", "--out", mnist.path, "--engine", "slurm", "--dry-run", "--dataset", "mnist", "--data-dir", "rel/dir",
          "--seed", "0,1",
        ]) == 0)
    let stored = try IBCommandTests.config(mnist.appendingPathComponent("runs/001_seed=1"))
    #expect(stored.dataDirectory == FileManager.default.currentDirectoryPath + "/rel/dir")
  }

  // MARK: - A real Slurm cluster

  /// Whether a Slurm cluster answers here: `sbatch` on PATH and `SLURM_CONF` naming a file (as
  /// scripts/slurm-one-node.sh sets up). CI sets INFOPLANE_REQUIRE_SLURM=1, where a missing cluster fails.
  static let slurmAvailable: Bool = {
    let environment = ProcessInfo.processInfo.environment
    let onPath = (environment["PATH"] ?? "").split(separator: ":").contains {
      FileManager.default.isExecutableFile(atPath: "\($0)/sbatch")
    }
    let conf = environment["SLURM_CONF"] ?? "/etc/slurm/slurm.conf"
    return onPath && FileManager.default.fileExists(atPath: conf)
  }()

  @Test func aSlurmClusterIsThereWhereCIPromisesOne() {
    if ProcessInfo.processInfo.environment["INFOPLANE_REQUIRE_SLURM"] == "1" {
      #expect(Self.slurmAvailable, "INFOPLANE_REQUIRE_SLURM=1 but no sbatch on PATH or no SLURM_CONF file")
    }
  }

  @Test(
    .enabled(
      if: slurmAvailable,
      "no Slurm cluster here (sbatch on PATH and SLURM_CONF): scripts/slurm-one-node.sh start DIR sets one up"))
  func aSweepRunsAsASlurmJobArray() throws {
    let root = try CLITest.directory("sweep-slurm")
    defer { try? FileManager.default.removeItem(at: root) }
    let sweep = root.appendingPathComponent("s")
    let command =
      ["sweep", "--out", sweep.path, "--engine", "slurm", "--executable", try Self.executable().path, "--quiet"]
      + [
        "--seed", "0..1", "--noise", "1e-3,1e-2", "--epochs", "2", "--train-samples", "200", "--test-samples", "120",
        "--eval-samples", "120", "--x-compressor", "pca",
      ]
    let submitted = CLITest.run(command)
    #expect(submitted.status == 0, "\(submitted.message)")
    let manifest = try SweepManifest.load(from: sweep)
    func waitForAll(_ timeout: Double) -> [SweepPointStatus] {
      let deadline = Date().addingTimeInterval(timeout)
      var status = SweepPointStatus.read(manifest, in: sweep)
      while Date() < deadline, status.contains(where: { [.queued, .running, .pending].contains($0.state) }) {
        Thread.sleep(forTimeInterval: 0.5)
        status = SweepPointStatus.read(manifest, in: sweep)
      }
      return status
    }
    var status = waitForAll(240)
    #expect(status.allSatisfy { $0.state == .done }, "\(status)")
    let outputs = try FileManager.default.contentsOfDirectory(atPath: sweep.appendingPathComponent("slurm").path)
    #expect(outputs.filter { $0.hasSuffix(".out") }.count == 4, "\(outputs)")
    #expect(CLITest.status(["report", sweep.path, "--quiet"]) == 0)
    let rows = try Self.table(sweep.appendingPathComponent("aggregate.csv")).split(separator: "\n").dropFirst()
    #expect(rows.count == 2 * ClassifierArchitecture.mnistCNN.probeNames.count * 2)
    #expect(rows.allSatisfy { $0.split(separator: ",")[3] == "2" })

    // A lost point is re-submitted alone: the next submission's array is that point only.
    let lost = manifest.runDirectory(of: manifest.points[2], in: sweep)
    try FileManager.default.removeItem(at: lost)
    #expect(CLITest.status(command) == 0)
    let log = try Self.table(sweep.appendingPathComponent("slurm/submissions.log"))
    #expect(log.split(separator: "\n").last?.hasSuffix("array 2") == true, "\(log)")
    status = waitForAll(120)
    #expect(status.allSatisfy { $0.state == .done }, "\(status)")
    // Nothing is left to submit.
    #expect(CLITest.status(command) == 0)
    #expect(try Self.table(sweep.appendingPathComponent("slurm/submissions.log")) == log)
  }
}

/// A tiny seeded generator for the kill delays (SplitMix64).
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func unit() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
  }
}
