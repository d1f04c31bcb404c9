import ArgumentParser
@_spi(Benchmarks) import InfoPlane

/// `--seed` and `--threads`: what makes a run reproducible and how much of the machine it takes.
struct RunOptions: ParsableArguments {
  @Option(help: "Seed of every random draw (initialisation, shuffling, noise, compressors, tie-breaking jitter).")
  var seed: UInt64 = 0

  @Option(help: "Worker threads (default: all cores).")
  var threads: Int?

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
  }

  /// Runs `body` with at most --threads worker threads, then restores the default.
  func withThreads<R>(_ body: () throws -> R) rethrows -> R { try Self.withThreads(threads, body) }

  /// Runs `body` with at most `threads` worker threads (nil: all cores), then restores the default.
  static func withThreads<R>(_ threads: Int?, _ body: () throws -> R) rethrows -> R {
    guard let threads else { return try body() }
    Parallelism.setMaximumThreads(threads)
    defer { Parallelism.setMaximumThreads(0) }
    return try body()
  }
}
