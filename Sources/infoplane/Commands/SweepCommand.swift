import ArgumentParser
import Foundation
import InfoPlane

/// `infoplane sweep`: a grid over `ib` options as a directory of runs, run here (`--engine local`) or as a Slurm job
/// array (`--engine slurm`); `sweep status` and `report SWEEP` read the runs.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Run ib over a grid of settings (seeds, noise, models, …) here or as a Slurm job array.",
    subcommands: [SweepRunCommand.self, SweepStatusCommand.self, SweepPointCommand.self],
    defaultSubcommand: SweepRunCommand.self
  )
}

/// `infoplane sweep [run]`: creates (or continues) a sweep and runs its points with the chosen engine.
struct SweepRunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Create or continue a sweep and run its points (the default of `infoplane sweep`).",
    discussion: """
      Every ib option may take a list (--noise 1e-3,1e-2) or an integer range (--seed 0..4, both ends included); the \
      grid is their product, the last option varying fastest. Or give the grid as --grid FILE.json (option → value, \
      list, "m..n" or true). Writes SWEEP/sweep.json and one run directory per point, SWEEP/runs/NNN_SETTINGS, with \
      its config.json. Running the same command again skips complete points and resumes interrupted ones; with no \
      ib options it continues the sweep in --out. When the local engine ends, SWEEP/report.html and \
      SWEEP/aggregate.csv hold the mean and standard deviation across seeds per group of settings.
      """
  )

  @Option(name: .shortAndLong, help: "Sweep directory.")
  var out = "sweeps/sweep"

  @Option(help: ArgumentHelp("The grid as a JSON object instead of options.", valueName: "file.json"))
  var grid: String?

  @Option(help: "Where the points run: local (this machine) or slurm (a job array submitted with sbatch).")
  var engine: SweepEngine = .local

  @Option(help: "Local engine: points run at once.")
  var jobs = 1

  @Option(help: "Local engine: threads in all (default: all cores), split evenly between the --jobs points.")
  var threads: Int?

  @Option(help: "Slurm: CPUs (and threads) per point.")
  var cpusPerTask = 1

  @Option(help: ArgumentHelp("Slurm: time limit per point, e.g. 02:00:00.", valueName: "time"))
  var time: String?

  @Option(help: ArgumentHelp("Slurm: memory per point, e.g. 4G.", valueName: "size"))
  var mem: String?

  @Option(help: "Slurm: partition (default: the cluster's).")
  var partition: String?

  @Option(help: "Slurm: the most points running at once (the array's %M).")
  var maxRunning: Int?

  @Option(
    help: ArgumentHelp(
      "Slurm: a further sbatch option for the script, e.g. --sbatch-option=--account=ml (repeatable).",
      valueName: "option"))
  var sbatchOption: [String] = []

  @Flag(help: "Slurm: write the job script and print the sbatch command without submitting.")
  var dryRun = false

  @Flag(help: "Slurm: submit queued points again too (their job was cancelled before they started).")
  var retryQueued = false

  @Option(help: "The infoplane executable the points run (default: this one); an absolute path every node reaches.")
  var executable: String?

  @OptionGroup(title: "Output") var outputOptions: OutputOptions

  @Argument(parsing: .allUnrecognized, help: "ib options, each with one value, a list a,b,c or a range m..n.")
  var ibArguments: [String] = []

  enum SweepEngine: String, ExpressibleByArgument, CaseIterable {
    case local, slurm
  }

  func validate() throws {
    if jobs < 1 { throw ValidationError("--jobs must be at least 1 (got \(jobs)).") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    if cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1 (got \(cpusPerTask)).") }
    if let maxRunning, maxRunning < 1 {
      throw ValidationError("--max-running must be at least 1 (got \(maxRunning)).")
    }
    if grid != nil && !ibArguments.isEmpty {
      throw ValidationError(
        "Give the grid either as ib options or as --grid FILE, not both (got --grid and \(ibArguments.joined(separator: " ")))."
      )
    }
  }

  func run() throws {
    try OutputPath.checkDirectory(out, option: "--out")
    let directory = URL(fileURLWithPath: out).standardizedFileURL
    let manifest = try prepare(directory)
    let status = SweepPointStatus.read(manifest, in: directory)
    let done = status.filter { $0.state == .done }.count
    outputOptions.progress(
      "sweep \(directory.path): \(manifest.points.count) points (\(describe(manifest.grid))), \(done) done")
    switch engine {
    case .local: try runLocally(manifest, status: status, in: directory)
    case .slurm: try submit(manifest, status: status, in: directory)
    }
  }

  /// The sweep's manifest: created from the grid, checked against the stored one, or (no grid given) the stored one.
  private func prepare(_ directory: URL) throws -> SweepManifest {
    let sweepGrid: SweepGrid
    if let grid {
      guard let data = FileManager.default.contents(atPath: grid) else {
        throw InformationPlaneError.invalidSweep("--grid \(grid): the file cannot be read.")
      }
      sweepGrid = try SweepGrid(json: data, file: grid)
    } else if ibArguments.isEmpty {
      guard SweepManifest.exists(in: directory) else {
        throw ValidationError(
          "A sweep needs ib options with the values to sweep (e.g. --seed 0..4 --noise 1e-3,1e-2), or --grid FILE; "
            + "\(directory.path) holds no sweep to continue.")
      }
      return try SweepManifest.load(from: directory)
    } else {
      sweepGrid = try SweepGrid(arguments: ibArguments)
    }
    let configs = try sweepGrid.points.map { point -> ExperimentConfig in
      do {
        var config = try IBCommand.parse(point.arguments).config()
        // Points run wherever the engine starts them (a Slurm node, another working directory): absolute data paths.
        config.dataDirectory = config.dataDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        return config
      } catch {
        throw InformationPlaneError.invalidSweep(
          "Point \(point.index) (ib \(point.arguments.joined(separator: " "))): \(IBCommand.message(for: error))")
      }
    }
    return try SweepManifest.create(at: directory, grid: sweepGrid, configs: configs, version: infoPlaneVersion)
  }

  private func describe(_ grid: SweepGrid) -> String {
    let axes = grid.axes.map { "\($0.name) × \($0.values.count)" }
    return axes.isEmpty ? "one setting" : axes.joined(separator: ", ")
  }

  /// The executable the points run: --executable, or this process's own.
  private func pointExecutable() throws -> URL {
    if let executable {
      guard FileManager.default.isExecutableFile(atPath: executable) else {
        throw InformationPlaneError.invalidSweep("--executable \(executable) is not an executable file.")
      }
      return URL(fileURLWithPath: executable).standardizedFileURL
    }
    guard let path = Bundle.main.executablePath else {
      throw InformationPlaneError.invalidSweep("Cannot tell this program's path; give it with --executable.")
    }
    return URL(fileURLWithPath: path).resolvingSymlinksInPath()
  }

  private func runLocally(_ manifest: SweepManifest, status: [SweepPointStatus], in directory: URL) throws {
    let todo = status.filter { $0.state != .done }.map(\.index)
    let cores = threads ?? ProcessInfo.processInfo.activeProcessorCount
    let engine = LocalSweepEngine(
      executable: try pointExecutable(), jobs: jobs, threadsPerPoint: max(1, cores / jobs))
    let started = Date()
    var finished = 0
    let statuses = try engine.run(manifest, in: directory, indices: todo) { event in
      switch event {
      case let .started(index, name):
        outputOptions.progress("  started \(name) (point \(index))")
      case let .finished(_, name, code, seconds):
        finished += 1
        let elapsed = Date().timeIntervalSince(started)
        let remaining = elapsed / Double(finished) * Double(todo.count - finished)
        outputOptions.progress(
          String(
            format: "  %@ %@ in %@ [%d/%d] %@ elapsed, ETA %@", code == 0 ? "finished" : "FAILED", name,
            duration(seconds), finished, todo.count, duration(elapsed), duration(remaining))
            + (code == 0 ? "" : " (exit \(code); see \(directory.path)/runs/\(name)/log.txt)"))
      }
    }
    let (reportURL, csvURL) = try SweepReportWriter.write(sweep: directory, progress: outputOptions.progress)
    let failed = statuses.filter { $0.value != 0 }.keys.sorted()
    let final = SweepPointStatus.read(manifest, in: directory)
    if outputOptions.json {
      print(try jsonLine(SweepSummary(directory: directory.path, points: final), pretty: true), terminator: "")
    } else {
      print(
        "\(final.filter { $0.state == .done }.count) of \(manifest.points.count) points done in \(directory.path); "
          + "\(reportURL.lastPathComponent), \(csvURL.lastPathComponent)")
    }
    if !failed.isEmpty {
      throw SweepFailure(
        "\(failed.count) point\(failed.count == 1 ? "" : "s") failed: "
          + failed.map { manifest.points[$0].point.name }.joined(separator: ", ")
          + ". Each run's log.txt and `infoplane sweep status \(directory.path)` say why; run the same command "
          + "again to retry them.")
    }
  }

  private func submit(_ manifest: SweepManifest, status: [SweepPointStatus], in directory: URL) throws {
    let todo = status.filter { $0.needsRun || (retryQueued && $0.state == .queued) }.map(\.index)
    let executable = try pointExecutable()
    let script = SlurmJobScript(
      executable: executable.path, sweepDirectory: directory.path, points: manifest.points.count,
      jobName: "infoplane-" + directory.lastPathComponent, time: time, cpusPerTask: cpusPerTask, memory: mem,
      partition: partition, maxRunning: maxRunning, extraOptions: sbatchOption)
    let scriptURL = directory.appendingPathComponent(SlurmJobScript.relativePath)
    do {
      try FileManager.default.createDirectory(
        at: scriptURL.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(script.text.utf8).write(to: scriptURL, options: .atomic)
    } catch {
      throw InformationPlaneError.ioFailure("Cannot write \(scriptURL.path): \(error.localizedDescription)")
    }
    guard !todo.isEmpty else {
      print("nothing to submit: \(SweepPointStatus.summary(status)) (wrote \(scriptURL.path))")
      return
    }
    let array = SlurmJobScript.arraySpecification(todo, maxRunning: maxRunning)
    let arguments = ["--parsable", "--array=\(array)", scriptURL.path]
    if dryRun {
      print("wrote \(scriptURL.path); submit with:\nsbatch \(arguments.joined(separator: " "))")
      return
    }
    let job = try SlurmSubmission.submit(arguments: arguments)
    let submitted = SweepPointState(phase: .queued, epochs: 0, message: "Slurm job \(job)")
    for index in todo {
      var state = submitted
      state.epochs = status[index].epochs
      try state.write(to: manifest.runDirectory(of: manifest.points[index], in: directory))
    }
    SlurmSubmission.log(
      "\(ISO8601DateFormatter().string(from: Date())) job \(job) array \(array)",
      to: directory.appendingPathComponent("slurm/submissions.log"))
    if outputOptions.json {
      print(try jsonLine(["job": job, "array": array, "script": scriptURL.path], pretty: true), terminator: "")
    } else {
      print(
        "submitted Slurm job \(job): \(todo.count) point\(todo.count == 1 ? "" : "s") (--array=\(array)); "
          + "follow with `infoplane sweep status \(directory.path)`, then `infoplane report \(directory.path)`")
    }
  }

  /// What `sweep --json` and `sweep status --json` print.
  struct SweepSummary: Encodable {
    let directory: String
    let points: [SweepPointStatus]
  }
}

/// Some points of a local sweep failed (exit 1: the run failed, not the user's input).
struct SweepFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Submitting to Slurm with `sbatch`.
enum SlurmSubmission {
  /// Runs `sbatch ARGUMENTS` and returns the job id it prints (`--parsable`).
  /// - Throws: `InformationPlaneError.invalidSweep` when sbatch is not on PATH or refuses the job (its message).
  static func submit(arguments: [String]) throws -> String {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
      .map { "\($0)/sbatch" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let path else {
      throw InformationPlaneError.invalidSweep(
        "sbatch is not on PATH: --engine slurm needs a Slurm client on this machine. Use --dry-run to write the "
          + "job script only, or --engine local.")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    do { try process.run() } catch {
      throw InformationPlaneError.invalidSweep("Cannot run \(path): \(error.localizedDescription)")
    }
    let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let job = printed.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    guard process.terminationStatus == 0, !job.isEmpty, job.allSatisfy(\.isNumber) else {
      throw InformationPlaneError.invalidSweep(
        "sbatch \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus)): "
          + (complaint + printed).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return job
  }

  /// Appends `line` to the log at `url`.
  static func log(_ line: String, to url: URL) {
    if !FileManager.default.fileExists(atPath: url.path) {
      _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    }
    guard let handle = FileHandle(forWritingAtPath: url.path) else { return }
    handle.seekToEndOfFile()
    handle.write(Data((line + "\n").utf8))
    try? handle.close()
  }
}

/// Writes a sweep's aggregated `report.html` and `aggregate.csv`.
enum SweepReportWriter {
  /// Writes SWEEP/report.html (or `report`) and aggregate.csv beside it; `progress` gets a line per problem.
  static func write(sweep: URL, report: URL? = nil, progress: (String) -> Void = { _ in }) throws -> (URL, URL) {
    let aggregate = try SweepAggregate.sweep(at: sweep)
    let manifest = try SweepManifest.load(from: sweep)
    let axes = manifest.grid.axes.map { "\($0.name) \($0.values.joined(separator: ", "))" }
    let fixed = manifest.grid.options.filter { $0.values.count <= 1 }
      .map { ([$0.name] + $0.values).joined(separator: " ") }
    let varied: String = axes.isEmpty ? "one setting" : axes.joined(separator: "; ")
    let held: String = fixed.isEmpty ? "" : " Fixed: " + fixed.joined(separator: " ") + "."
    let notes = ["Sweep of ib over \(varied).\(held)"]
    return try write(
      aggregate, title: "Sweep \(sweep.lastPathComponent)", notes: notes,
      report: report ?? sweep.appendingPathComponent("report.html"), progress: progress)
  }

  /// Writes `aggregate`'s report to `report` and aggregate.csv beside it.
  static func write(
    _ aggregate: SweepAggregate, title: String, notes: [String], report: URL, progress: (String) -> Void
  ) throws -> (URL, URL) {
    for problem in aggregate.problems { progress("warning: \(problem)") }
    let csv = report.deletingLastPathComponent().appendingPathComponent("aggregate.csv")
    do {
      try FileManager.default.createDirectory(
        at: report.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(aggregate.csv.utf8).write(to: csv, options: .atomic)
      try SweepReport.make(title: title, aggregate: aggregate, notes: notes).write(to: report)
    } catch {
      throw InformationPlaneError.ioFailure(
        "Cannot write \(report.path) or \(csv.path): \(error.localizedDescription)")
    }
    return (report, csv)
  }
}
