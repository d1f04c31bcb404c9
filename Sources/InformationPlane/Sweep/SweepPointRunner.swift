import CKernels
import Foundation

/// Runs one point of a sweep: what `infoplane sweep point SWEEP INDEX` does for both engines. It takes the run's
/// lock (so no two processes run a point at once), runs — or resumes — the `ib` experiment from the run's
/// `config.json`, and records in `state.json` that it is running (updated after every epoch), done, or failed with
/// the error.
public struct SweepPointRunner {
  /// The sweep directory.
  public let sweep: URL
  /// The point's index in the grid.
  public let index: Int

  /// The runner of point `index` of the sweep in `sweep`.
  public init(sweep: URL, index: Int) {
    self.sweep = sweep
    self.index = index
  }

  /// How a call of `run` ended.
  public enum Outcome: Sendable, Equatable {
    /// The run now has all its epochs, `ran` of them trained by this call.
    case completed(epochs: Int, ran: Int)
    /// Another process holds the point's lock (it is running); nothing was done.
    case busy(String)
  }

  /// The run directory of the point.
  /// - Throws: `InformationPlaneError.invalidSweep` when the sweep or the point does not exist.
  public func runDirectory() throws -> URL {
    let manifest = try SweepManifest.load(from: sweep)
    return manifest.runDirectory(of: try manifest.entry(index), in: sweep)
  }

  /// Runs the point to its last epoch.
  /// - Parameters:
  ///   - waitForLock: wait while another process runs the point (the local engine, after an interrupted sweep
  ///     whose processes are still ending), instead of returning `.busy` at once (a Slurm task).
  ///   - events: the experiment's progress events.
  /// - Throws: the experiment's errors, after recording them in `state.json`; `InformationPlaneError.invalidSweep`
  ///   when the run's `config.json` is not the one the sweep declares for the point.
  public func run(waitForLock: Bool, events: (InformationPlaneExperiment.Event) -> Void = { _ in }) throws -> Outcome {
    let manifest = try SweepManifest.load(from: sweep)
    let entry = try manifest.entry(index)
    let directory = manifest.runDirectory(of: entry, in: sweep)
    let store = RunStore(directory: directory)
    try manifest.ensureConfig(of: entry, in: sweep)
    guard let lock = try RunLock(directory: directory, wait: waitForLock) else {
      let holder = SweepPointState.load(from: directory).map { " (pid \($0.pid) on \($0.host))" } ?? ""
      return .busy("point \(index) (\(entry.point.name)) is being run by another process\(holder)")
    }
    defer { lock.release() }
    let config = try manifest.checkedConfig(of: entry, in: sweep)  // again: it may have changed while waiting
    let before = (try? store.load(resumable: false).metrics.count) ?? 0
    if before >= config.epochs {
      try SweepPointState(phase: .done, epochs: before).write(to: directory)
      return .completed(epochs: before, ran: 0)
    }
    let started = Date().timeIntervalSince1970
    try SweepPointState(phase: .running, epochs: before, since: started).write(to: directory)
    do {
      let (metrics, _) = try InformationPlaneExperiment(config: config).run(in: directory, resume: true) { event in
        if case let .epoch(summary, _, _, _, _) = event {
          try? SweepPointState(phase: .running, epochs: summary.epoch, since: started).write(to: directory)
        }
        events(event)
      }
      try SweepPointState(phase: .done, epochs: metrics.count).write(to: directory)
      return .completed(epochs: metrics.count, ran: metrics.count - before)
    } catch {
      let epochs = SweepPointState.load(from: directory)?.epochs ?? before
      try? SweepPointState(phase: .failed, epochs: epochs, message: "\(error)").write(to: directory)
      throw error
    }
  }

  /// Records in `state.json` of the point's run that its process is stopping on `signal` (SIGTERM from `scancel`,
  /// Slurm's time limit or an ending sweep; SIGINT from Ctrl-C). Called from the signal handler of
  /// `infoplane sweep point`, which then exits.
  public func recordStop(signal: Int32) {
    guard let directory = try? runDirectory() else { return }
    let name = signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "signal \(signal)"
    let previous = SweepPointState.load(from: directory)
    guard previous?.phase == .running, previous?.pid == ProcessInfo.processInfo.processIdentifier else { return }
    try? SweepPointState(
      phase: .failed, epochs: previous?.epochs ?? 0,
      message: "stopped by \(name) (scancel, Slurm's time limit, Ctrl-C or the end of the sweep that started it)",
      since: previous?.since
    ).write(to: directory)
  }

  /// Linux: makes the kernel stop this process (SIGTERM) when the process `parent` that started it ends, so the
  /// points of a killed local sweep stop with it. Returns false when `parent` has already ended.
  public static func terminate(withParent parent: Int32) -> Bool {
    ck_terminate_with_parent(parent) == 0
  }
}
