import Foundation

/// What the process running a sweep point last wrote about it (`RUN/state.json`): running (updated after every
/// epoch), done, failed with the error, or queued by a Slurm submission. `SweepStatus` reads it together with the
/// run's own tables and lock, never Slurm's database.
public struct SweepPointState: Sendable, Equatable, Codable {
  /// The states a point's process writes.
  public enum Phase: String, Sendable, Codable {
    /// Submitted to Slurm, not started.
    case queued
    /// A process runs the point.
    case running
    /// All epochs are complete.
    case done
    /// The process stopped with an error or a signal (`message` says which).
    case failed
  }

  /// The phase.
  public var phase: Phase
  /// Host name of the process (running, done, failed) or of the submitting machine (queued).
  public var host: String
  /// Process id on `host`, 0 for queued.
  public var pid: Int32
  /// When the phase began (seconds since 1970).
  public var since: Double
  /// Last update (seconds since 1970): after every epoch while running.
  public var updated: Double
  /// Complete epochs at the last update.
  public var epochs: Int
  /// The error or signal of a failed point; the Slurm job id of a queued one.
  public var message: String?

  /// The file name inside the run directory.
  public static let fileName = "state.json"

  /// A state of this process on this host, now.
  public init(phase: Phase, epochs: Int, message: String? = nil, since: Double? = nil) {
    let now = Date().timeIntervalSince1970
    self.phase = phase
    self.host = ProcessInfo.processInfo.hostName
    self.pid = phase == .queued ? 0 : ProcessInfo.processInfo.processIdentifier
    self.since = since ?? now
    self.updated = now
    self.epochs = epochs
    self.message = message
  }

  /// The state stored in the run `directory`, nil when there is none or it cannot be read.
  public static func load(from directory: URL) -> SweepPointState? {
    guard let data = try? Data(contentsOf: directory.appendingPathComponent(fileName)) else { return nil }
    return try? JSONDecoder().decode(SweepPointState.self, from: data)
  }

  /// Replaces the state in the run `directory` atomically.
  public func write(to directory: URL) throws {
    do {
      try prettyJSON(self).write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    } catch {
      throw InformationPlaneError.ioFailure(
        "Cannot write \(directory.appendingPathComponent(Self.fileName).path): \(error.localizedDescription)")
    }
  }
}
