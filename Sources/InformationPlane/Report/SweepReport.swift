import Foundation

/// The HTML report of a sweep or of several runs: per layer and group of settings, the mean trajectory across runs
/// with a ±1 standard deviation band, drawn over the individual runs; a table of the last epoch; and every run left
/// out or incomplete, named.
package enum SweepReport {
  /// Distinct colours for groups (tab10), cycled beyond ten groups.
  static let palette = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  ]

  /// `hex` mixed with white by `amount` in [0, 1] (individual runs are drawn in their group's light colour).
  static func lighter(_ hex: String, _ amount: Double) -> String {
    let digits = Array(hex.dropFirst())
    guard digits.count == 6 else { return hex }
    let channels = stride(from: 0, to: 6, by: 2).map { Int(String(digits[$0..<$0 + 2]), radix: 16) ?? 0 }
    let mixed = channels.map { Int((Double($0) + amount * (255 - Double($0))).rounded()) }
    return String(format: "#%02x%02x%02x", mixed[0], mixed[1], mixed[2])
  }

  /// Builds the report of `aggregate` titled `title`; `notes` are shown first (e.g. what the sweep varied).
  package static func make(title: String, aggregate: SweepAggregate, notes: [String] = []) -> HTMLReport {
    var report = HTMLReport(title: title)
    let color = Dictionary(
      uniqueKeysWithValues: aggregate.groups.enumerated().map { ($1, palette[$0 % palette.count]) })
    let counts = aggregate.groups.map { group in aggregate.runs.filter { $0.group == group }.count }
    report.paragraph(
      "\(aggregate.runs.count) runs in \(aggregate.groups.count) group\(aggregate.groups.count == 1 ? "" : "s") of "
        + "settings (" + zip(aggregate.groups, counts).map { "\($0): \($1) runs" }.joined(separator: "; ")
        + "). Mutual information in nats. In the information plane, thick lines are the mean across the runs of a "
        + "group of their smoothed trajectories (the dot marks the last epoch), thin light lines the individual runs. "
        + "Per epoch, the shaded band is ±1 standard deviation across runs of the raw estimates around their mean "
        + "(thick), over the individual runs (thin). The spread across seeds is what a claim about one run's curve "
        + "must beat.")
    for note in notes { report.paragraph(note) }
    if !aggregate.problems.isEmpty {
      report.heading("Runs left out or incomplete")
      report.table(header: ["run and reason"], rows: aggregate.problems.map { [$0] })
    }
    func rows(_ group: String, _ layer: String) -> [SweepAggregate.Row] {
      aggregate.rows.filter { $0.group == group && $0.layer == layer }.sorted { $0.epoch < $1.epoch }
    }
    func runs(_ group: String) -> [SweepAggregate.Run] { aggregate.runs.filter { $0.group == group } }
    let legend = aggregate.groups.count > 1

    report.heading("Information plane: mean across runs")
    report.charts(
      aggregate.layers.map { layer in
        var chart = SVGChart(title: layer, xLabel: "I(X;L), nats", yLabel: "I(L;Y), nats", width: 440, height: 340)
        for group in aggregate.groups {
          let c = color[group]!
          for run in runs(group) {
            let own = run.information.filter { $0.layer == layer }.sorted { $0.epoch < $1.epoch }
            chart.layers.append(
              .line(x: own.map(\.ixlSmoothed), y: own.map(\.ilySmoothed), color: lighter(c, 0.6), width: 1))
          }
          let mean = rows(group, layer)
          chart.layers.append(
            .line(
              x: mean.map(\.ixlSmoothedMean), y: mean.map(\.ilySmoothedMean), color: c, width: 2.5,
              label: legend ? group : nil))
          if let last = mean.last {
            chart.layers.append(.points(x: [last.ixlSmoothedMean], y: [last.ilySmoothedMean], color: c, radius: 3.5))
          }
        }
        return chart
      })

    for (quantity, title) in [(0, "I(X;L)"), (1, "I(L;Y)")] {
      report.heading("\(title) per epoch: mean ± 1 sd across runs")
      report.charts(
        aggregate.layers.map { layer in
          var chart = SVGChart(title: "\(layer): \(title)", xLabel: "epoch", yLabel: "nats", width: 440, height: 300)
          for group in aggregate.groups {
            let c = color[group]!
            let mean = rows(group, layer)
            let e = mean.map { Double($0.epoch) }
            let m = mean.map { quantity == 0 ? $0.ixlMean : $0.ilyMean }
            let sd = mean.map { quantity == 0 ? $0.ixlSD : $0.ilySD }.map { $0.isNaN ? 0 : $0 }
            chart.layers.append(
              .band(x: e, lower: zip(m, sd).map { $0 - $1 }, upper: zip(m, sd).map { $0 + $1 }, color: c, opacity: 0.18)
            )
            for run in runs(group) {
              let own = run.information.filter { $0.layer == layer }.sorted { $0.epoch < $1.epoch }
              chart.layers.append(
                .line(
                  x: own.map { Double($0.epoch) }, y: own.map { quantity == 0 ? $0.ixl : $0.ily },
                  color: lighter(c, 0.55), width: 1))
            }
            chart.layers.append(.line(x: e, y: m, color: c, width: 2.5, label: legend ? group : nil))
          }
          return chart
        })
    }

    report.heading("Last epoch")
    var table: [[String]] = []
    func pm(_ v: (mean: Double, sd: Double)) -> String {
      v.sd.isNaN ? String(format: "%.3f", v.mean) : String(format: "%.3f ± %.3f", v.mean, v.sd)
    }
    for group in aggregate.groups {
      let members = runs(group)
      let accuracy = SweepAggregate.meanAndSD(members.compactMap { $0.metrics.last?.testAccuracy })
      for layer in aggregate.layers {
        guard let last = rows(group, layer).last else { continue }
        table.append(
          [
            group, layer, String(last.epoch), String(last.runs), pm((last.ixlMean, last.ixlSD)),
            pm((last.ilyMean, last.ilySD)), pm(accuracy), String(last.flagged),
          ])
      }
    }
    report.table(
      header: [
        "setting", "layer", "epoch", "runs", "I(X;L) mean ± sd", "I(L;Y) mean ± sd", "test accuracy", "flagged runs",
      ], rows: table)

    report.heading("Runs")
    report.table(
      header: ["run", "setting", "seed", "epochs", "test accuracy", "flagged estimates"],
      rows: aggregate.runs.map { run in
        [
          run.name, run.group, String(run.config.seed), String(run.metrics.count),
          run.metrics.last.map { String(format: "%.4f", $0.testAccuracy) } ?? "",
          String(run.information.filter { $0.ixlFlagged || $0.ilyFlagged }.count),
        ]
      })
    return report
  }
}
