import ArgumentParser
import Foundation
import InfoPlane

/// `infoplane report RUN`: rebuild a run's `report.html` from its `config.json`, `metrics.csv` and `mi.csv`;
/// `report SWEEP` or `report RUN RUN…`: the aggregate across runs (mean ± sd per group of settings).
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Rebuild the HTML report of an ib run, or aggregate a sweep or several runs.",
    discussion: """
      One run directory: its report.html. A sweep directory (made by `infoplane sweep`): report.html and \
      aggregate.csv in it, with the mean and standard deviation across seeds of I(X;L) and I(L;Y) per group of \
      swept settings, epoch and layer. Several run directories: the same aggregate (runs whose settings differ \
      only in the seed form a group), written to --out (default: aggregate/report.html) with aggregate.csv beside \
      it. Runs with other settings than their sweep declares, or with missing epochs, are named.
      """)

  @Argument(help: "A run directory, a sweep directory, or several run directories.")
  var directories: [String]

  @Option(name: .shortAndLong, help: "Where to write the report (default: RUN/report.html, SWEEP/report.html).")
  var out: String?

  @Flag(help: "No warnings on stderr.")
  var quiet = false

  func validate() throws {
    if directories.isEmpty { throw ValidationError("Give a run directory, a sweep directory or several runs.") }
  }

  func run() throws {
    if let out { try OutputPath.checkFile(out, option: "--out") }
    let urls = directories.map { URL(fileURLWithPath: $0).standardizedFileURL }
    let warn: (String) -> Void = { if !quiet { standardError($0) } }
    if urls.count == 1, SweepManifest.exists(in: urls[0]) {
      let (report, csv) = try SweepReportWriter.write(
        sweep: urls[0], report: out.map { URL(fileURLWithPath: $0) }, progress: warn)
      print("wrote \(report.path) and \(csv.path)")
    } else if urls.count == 1 {
      let url = try InformationPlaneExperiment.rebuildReport(run: urls[0], to: out.map { URL(fileURLWithPath: $0) })
      print("wrote \(url.path)")
    } else {
      for url in urls where SweepManifest.exists(in: url) {
        throw ValidationError("\(url.path) is a sweep; report a sweep on its own, or give run directories only.")
      }
      let aggregate = try SweepAggregate.runs(urls)
      let (report, csv) = try SweepReportWriter.write(
        aggregate, title: "\(urls.count) runs", notes: ["Runs: " + directories.joined(separator: ", ") + "."],
        report: URL(fileURLWithPath: out ?? "aggregate/report.html"), progress: warn)
      print("wrote \(report.path) and \(csv.path)")
    }
  }
}
