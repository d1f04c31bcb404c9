import ArgumentParser
import Foundation
import InfoPlane

/// `infoplane sweep status SWEEP`: done / running / failed points, read from the run directories themselves.
struct SweepStatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show which points of a sweep are done, running, failed, interrupted, queued or pending.",
    discussion: """
      Read from the run directories alone (tables, state.json, lock), not from Slurm's database, so it holds \
      whichever engine ran the points. Running `infoplane sweep -o SWEEP` again (with --engine slurm: \
      re-submitting) runs only the failed, interrupted and pending points.
      """
  )

  @Argument(help: "The sweep directory.")
  var directory: String

  @Flag(help: "Print the status as one JSON object instead of a table.")
  var json = false

  func run() throws {
    let url = URL(fileURLWithPath: directory).standardizedFileURL
    let manifest = try SweepManifest.load(from: url)
    let points = SweepPointStatus.read(manifest, in: url)
    if json {
      print(
        try jsonLine(SweepRunCommand.SweepSummary(directory: url.path, points: points), pretty: true), terminator: "")
      return
    }
    let width = points.map(\.name.count).max() ?? 4
    for point in points {
      let name = point.name.padding(toLength: width, withPad: " ", startingAt: 0)
      let state = point.state.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
      print("\(name)  \(state)  epochs \(point.epochs)/\(point.totalEpochs)" + (point.detail.map { "  \($0)" } ?? ""))
    }
    print("\(points.count) points: " + SweepPointStatus.summary(points))
  }
}
