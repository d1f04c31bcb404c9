import Foundation

/// The `sbatch` script of a sweep: one job-array task per point, each running
/// `infoplane sweep point SWEEP $SLURM_ARRAY_TASK_ID` with the same binary on the same run directories, its threads
/// set to the task's CPUs. Which points a submission runs is given on `sbatch`'s command line (`--array=…`), so
/// a re-submission of only the failed points uses the same script.
public struct SlurmJobScript: Sendable, Equatable {
  /// The `infoplane` executable the tasks run (an absolute path every node can reach).
  public var executable: String
  /// The sweep directory (an absolute path every node can reach).
  public var sweepDirectory: String
  /// Points in the sweep.
  public var points: Int
  /// `--job-name`.
  public var jobName: String
  /// `--time`, e.g. `02:00:00` (nil: the partition's default).
  public var time: String?
  /// `--cpus-per-task`: CPUs, and threads, of each point.
  public var cpusPerTask: Int
  /// `--mem`, e.g. `8G` (nil: the partition's default).
  public var memory: String?
  /// `--partition` (nil: the cluster's default).
  public var partition: String?
  /// The most array tasks running at once (`%M`), nil for no limit.
  public var maxRunning: Int?
  /// Further `#SBATCH` lines, each one option as `sbatch` takes it (`--account=ml`, `--qos=short`).
  public var extraOptions: [String]

  /// A script with every setting given.
  public init(
    executable: String, sweepDirectory: String, points: Int, jobName: String, time: String?, cpusPerTask: Int,
    memory: String?, partition: String?, maxRunning: Int?, extraOptions: [String]
  ) {
    self.executable = executable
    self.sweepDirectory = sweepDirectory
    self.points = points
    self.jobName = jobName
    self.time = time
    self.cpusPerTask = cpusPerTask
    self.memory = memory
    self.partition = partition
    self.maxRunning = maxRunning
    self.extraOptions = extraOptions
  }

  /// Where the script is written inside the sweep directory.
  public static let relativePath = "slurm/sweep.sbatch"

  /// The array specification of `indices` for `--array`: runs of consecutive indices as ranges, then `%M`
  /// (`[0, 1, 2, 5, 7, 8]`, 2 → `0-2,5,7-8%2`).
  public static func arraySpecification(_ indices: [Int], maxRunning: Int?) -> String {
    var runs: [ClosedRange<Int>] = []
    for index in Set(indices).sorted() {
      if let last = runs.last, index == last.upperBound + 1 {
        runs[runs.count - 1] = last.lowerBound...index
      } else {
        runs.append(index...index)
      }
    }
    let parts = runs.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
    return parts.joined(separator: ",") + (maxRunning.map { "%\($0)" } ?? "")
  }

  /// `text` quoted for bash (single quotes; embedded single quotes escaped).
  static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

  /// The script's text.
  public var text: String {
    var lines = [
      "#!/bin/bash",
      "# An infoplane sweep as a Slurm job array: task i runs point i of \(sweepDirectory)/sweep.json.",
      "# infoplane writes this file; submit with `infoplane sweep` (or sbatch --array=SPEC this-file). Which points a",
      "# submission runs is given on sbatch's command line; `infoplane sweep status` reads progress from the runs.",
      "#SBATCH --job-name=\(jobName)",
      "#SBATCH --array=" + Self.arraySpecification(Array(0..<points), maxRunning: maxRunning),
      "#SBATCH --cpus-per-task=\(cpusPerTask)",
      "#SBATCH --ntasks=1",
      "#SBATCH --output=\(sweepDirectory)/slurm/%A_%a.out",
    ]
    if let time { lines.append("#SBATCH --time=\(time)") }
    if let memory { lines.append("#SBATCH --mem=\(memory)") }
    if let partition { lines.append("#SBATCH --partition=\(partition)") }
    lines += extraOptions.map { "#SBATCH \($0)" }
    lines += [
      "set -eu",
      "exec \(Self.quoted(executable)) sweep point \(Self.quoted(sweepDirectory)) \"$SLURM_ARRAY_TASK_ID\" "
        + "--threads \"${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}\"",
    ]
    return lines.joined(separator: "\n") + "\n"
  }
}
