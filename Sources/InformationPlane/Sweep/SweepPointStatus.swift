import Foundation

/// Where one sweep point stands, read from its run directory alone (tables, `state.json`, lock): never from Slurm's
/// database, so it is right whichever engine ran the point and wherever.
public struct SweepPointStatus: Sendable, Equatable, Codable {
  /// The states a point can be in.
  public enum State: String, Sendable, Codable, CaseIterable {
    /// Every epoch is complete.
    case done
    /// A process holds the point's lock (or, on another host, says it runs and has not said otherwise).
    case running
    /// The process stopped with an error or a signal.
    case failed
    /// Started, not complete, and no process runs it any more (killed, machine lost).
    case interrupted
    /// Submitted to Slurm and not started.
    case queued
    /// Never started.
    case pending
  }

  /// The point's index in the grid.
  public var index: Int
  /// Its run directory's name.
  public var name: String
  /// Its state.
  public var state: State
  /// Complete epochs in its tables.
  public var epochs: Int
  /// Epochs the run is declared to train.
  public var totalEpochs: Int
  /// The error of a failed point, the host and process of a running one, the job of a queued one.
  public var detail: String?

  /// Whether running the sweep again (locally, or re-submitting to Slurm) should run this point: failed,
  /// interrupted and pending points, not done, running or queued ones.
  public var needsRun: Bool { [.failed, .interrupted, .pending].contains(state) }

  /// How many points are in each state, in the order of `State`: "3 done, 1 failed".
  package static func summary(_ points: [SweepPointStatus]) -> String {
    State.allCases.compactMap { state in
      let n = points.filter { $0.state == state }.count
      return n == 0 ? nil : "\(n) \(state.rawValue)"
    }.joined(separator: ", ")
  }

  /// The status of every point of the sweep in `directory`.
  public static func read(_ manifest: SweepManifest, in directory: URL) -> [SweepPointStatus] {
    manifest.points.map { entry in
      let run = manifest.runDirectory(of: entry, in: directory)
      let total = entry.config.epochs
      let epochs = (try? RunStore(directory: run).load(resumable: false).metrics.count) ?? 0
      func status(_ state: State, _ detail: String? = nil) -> SweepPointStatus {
        SweepPointStatus(
          index: entry.point.index, name: entry.point.name, state: state, epochs: epochs, totalEpochs: total,
          detail: detail)
      }
      if epochs >= total { return status(.done) }
      let stored = SweepPointState.load(from: run)
      let here = ProcessInfo.processInfo.hostName
      if RunLock.isHeld(in: run) {
        return status(.running, stored.map { "pid \($0.pid) on \($0.host)" })
      }
      switch stored?.phase {
      case .running?:
        guard let stored, stored.host != here else {
          return status(.interrupted, "its process (pid \(stored!.pid)) ended without finishing")
        }
        let minutes = (Date().timeIntervalSince1970 - stored.updated) / 60
        return status(
          .running, String(format: "pid %d on %@, last update %.0f min ago", stored.pid, stored.host, minutes))
      case .failed?: return status(.failed, stored?.message)
      case .queued?: return status(.queued, stored?.message)
      case .done?, nil: return status(epochs > 0 ? .interrupted : .pending)
      }
    }
  }
}
