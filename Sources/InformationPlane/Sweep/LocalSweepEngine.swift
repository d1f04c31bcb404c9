import Foundation

/// Runs a sweep's points on this machine: `jobs` at a time, each as its own process
/// (`EXECUTABLE sweep point SWEEP INDEX --threads T --wait`) whose output goes to the run's `log.txt`. Processes are
/// started from the calling thread and stop when the sweep process ends (Linux), so killing the sweep stops its
/// points; running the sweep again resumes them.
public struct LocalSweepEngine {
  /// The `infoplane` executable the points run with.
  public var executable: URL
  /// Points run at once, ≥ 1.
  public var jobs: Int
  /// Threads of each point (`--threads`), ≥ 1.
  public var threadsPerPoint: Int

  /// An engine running `jobs` points at once with `threadsPerPoint` threads each.
  public init(executable: URL, jobs: Int, threadsPerPoint: Int) {
    self.executable = executable
    self.jobs = jobs
    self.threadsPerPoint = threadsPerPoint
  }

  /// Progress of the sweep.
  public enum Event: Sendable {
    /// A point's process started.
    case started(index: Int, name: String)
    /// A point's process ended with `status` (0: complete) after `seconds`.
    case finished(index: Int, name: String, status: Int32, seconds: Double)
  }

  /// The environment variable through which a point learns the pid of the sweep that started it.
  public static let parentVariable = "INFOPLANE_SWEEP_PARENT"

  /// Runs the points `indices` of the sweep in `directory` and returns each one's exit status (0: complete).
  /// - Throws: `InformationPlaneError.ioFailure` when a process cannot be started or its log opened.
  public func run(
    _ manifest: SweepManifest, in directory: URL, indices: [Int], events: (Event) -> Void = { _ in }
  ) throws -> [Int: Int32] {
    let finished = Finished()
    var queue = indices[...]
    var running: [Int: (process: Process, started: Date)] = [:]
    var statuses: [Int: Int32] = [:]
    let environment = ProcessInfo.processInfo.environment.merging(
      [Self.parentVariable: String(ProcessInfo.processInfo.processIdentifier)]
    ) { $1 }
    while !queue.isEmpty || !running.isEmpty {
      while running.count < max(1, jobs), let index = queue.popFirst() {
        let entry = try manifest.entry(index)
        let log = manifest.runDirectory(of: entry, in: directory).appendingPathComponent("log.txt")
        if !FileManager.default.fileExists(atPath: log.path) {
          _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: log.path) else {
          throw InformationPlaneError.ioFailure("Cannot open \(log.path) for the point's output.")
        }
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = executable
        process.arguments = [
          "sweep", "point", directory.path, String(index), "--threads", String(max(1, threadsPerPoint)), "--wait",
        ]
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { _ in finished.add(index) }
        do { try process.run() } catch {
          throw InformationPlaneError.ioFailure(
            "Cannot start \(executable.path) for point \(index): \(error.localizedDescription)")
        }
        try? handle.close()
        running[index] = (process, Date())
        events(.started(index: index, name: entry.point.name))
      }
      for index in finished.wait() {
        guard let (process, started) = running.removeValue(forKey: index) else { continue }
        process.waitUntilExit()
        statuses[index] = process.terminationStatus
        events(
          .finished(
            index: index, name: manifest.points[index].point.name, status: process.terminationStatus,
            seconds: Date().timeIntervalSince(started)))
      }
    }
    return statuses
  }

  /// Indices of ended processes, handed from Foundation's termination handlers to the engine's loop.
  private final class Finished: @unchecked Sendable {
    private let condition = NSCondition()
    private var indices: [Int] = []

    func add(_ index: Int) {
      condition.lock()
      indices.append(index)
      condition.signal()
      condition.unlock()
    }

    /// Blocks until at least one process has ended; returns those that have.
    func wait() -> [Int] {
      condition.lock()
      defer { condition.unlock() }
      while indices.isEmpty { condition.wait() }
      defer { indices.removeAll() }
      return indices
    }
  }
}
