import ArgumentParser
import Foundation
import InfoPlane

/// `infoplane report RUN`: rebuild a run's `report.html` from its `config.json`, `metrics.csv` and `mi.csv`.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Rebuild the HTML report of an ib run directory.")

  @Argument(help: "The run directory (holds config.json, metrics.csv, mi.csv).")
  var directory: String

  @Option(name: .shortAndLong, help: "Where to write the report (default: RUN/report.html).")
  var out: String?

  func run() throws {
    let url = try InformationPlaneExperiment.rebuildReport(
      run: URL(fileURLWithPath: directory), to: out.map { URL(fileURLWithPath: $0) })
    print("wrote \(url.path)")
  }
}
