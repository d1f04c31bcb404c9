import ArgumentParser
import Dispatch
import Foundation
import InfoPlane

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `infoplane sweep point SWEEP INDEX`: runs (or resumes) one point of a sweep; what every engine runs.
struct SweepPointCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "point",
    abstract: "Run one point of a sweep (what the local engine and every Slurm array task run).",
    discussion: """
      Takes the point's lock (a second process on the same point waits with --wait, or exits at once), runs or \
      resumes ib from the run's config.json, and records running / done / failed in its state.json. SIGTERM \
      (scancel, time limit) and SIGINT are recorded as a failure, so the point is retried.
      """
  )

  @Argument(help: "The sweep directory.")
  var directory: String

  @Argument(help: "The point's index (0-based; Slurm's $SLURM_ARRAY_TASK_ID).")
  var index: Int

  @Option(help: "Worker threads (default: $SLURM_CPUS_PER_TASK, else all cores).")
  var threads: Int?

  @Flag(help: "Wait while another process runs this point instead of exiting at once.")
  var wait = false

  @Flag(help: "No progress on stderr.")
  var quiet = false

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    if index < 0 { throw ValidationError("The point index must be 0 or more (got \(index)).") }
  }

  func run() throws {
    if let parent = ProcessInfo.processInfo.environment[LocalSweepEngine.parentVariable].flatMap(Int32.init),
      !SweepPointRunner.terminate(withParent: parent)
    {
      throw SweepFailure("The sweep that started this point (pid \(parent)) has ended; not starting.")
    }
    let runner = SweepPointRunner(sweep: URL(fileURLWithPath: directory).standardizedFileURL, index: index)
    let sources = [SIGTERM, SIGINT].map { signalNumber -> any DispatchSourceSignal in
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        runner.recordStop(signal: signalNumber)
        _exit(128 + signalNumber)
      }
      source.resume()
      return source
    }
    defer {
      for source in sources { source.cancel() }
      for signalNumber in [SIGTERM, SIGINT] { signal(signalNumber, SIG_DFL) }
    }
    let slurmCPUs = ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"].flatMap(Int.init)
    let total = try SweepManifest.load(from: runner.sweep).entry(index).config.epochs
    let started = Date()
    let outcome = try RunOptions.withThreads(threads ?? slurmCPUs) {
      try runner.run(waitForLock: wait) { event in
        if !quiet { IBCommand.report(event, epochs: total, timings: false) }
      }
    }
    switch outcome {
    case let .busy(message):
      print("\(message); nothing to do.")
    case let .completed(total, ran):
      print(
        "point \(index): \(total) epochs complete"
          + (ran > 0 ? String(format: ", %d run now in %.1f s", ran, Date().timeIntervalSince(started)) : " already"))
    }
  }

}
