import Foundation

/// The HTML report of `infoplane validate`: estimate against the true MI with the identity line and a ±SE band,
/// for the compressed variables and for the uncompressed latent parameters.
package enum ValidationReport {
  /// - Parameter measured: what the estimate column measured, as the text and the chart legend say it ("compressed",
  ///   or e.g. "on the observed samples" without a compressor).
  package static func make(
    title: String, points: [SyntheticValidation.Point], settings: [(String, String)],
    notes: [String], measured: String = "compressed"
  ) -> HTMLReport {
    var report = HTMLReport(title: title)
    let truth = points.map(\.trueMI)
    let errors = meanAbsoluteError(points)
    let (compressedError, latentError) = (errors?.compressed ?? 0, errors?.latent ?? 0)
    report.paragraph(
      String(
        format: "Mean absolute error over %d MI values: %.3f nats %@, %.3f nats on the uncompressed latent "
          + "parameters. The shaded band is ±1 standard error of the estimator (from its per-sample terms).",
        points.count, compressedError, measured, latentError))
    for note in notes { report.paragraph(note) }
    var chart = SVGChart(
      title: "Estimate vs true MI", xLabel: "true MI, nats", yLabel: "estimated MI, nats",
      width: 560, height: 440)
    let lo = min(0, truth.min() ?? 0), hi = max(truth.max() ?? 1, points.map(\.estimate).max() ?? 1)
    chart.layers = [
      .band(
        x: truth, lower: points.map { $0.estimate - $0.standardError },
        upper: points.map { $0.estimate + $0.standardError },
        color: "#d62728", opacity: 0.2),
      .band(
        x: truth, lower: points.map { $0.latentEstimate - $0.latentStandardError },
        upper: points.map { $0.latentEstimate + $0.latentStandardError }, color: "#1f77b4", opacity: 0.15),
      .line(x: [lo, hi], y: [lo, hi], color: "#444", width: 1.5, dashed: true, label: "truth (identity)"),
      .line(x: truth, y: points.map(\.latentEstimate), color: "#1f77b4", label: "latent parameters, uncompressed"),
      .line(x: truth, y: points.map(\.estimate), color: "#d62728", label: measured),
      .points(x: truth, y: points.map(\.estimate), color: "#d62728", radius: 2.5),
    ]
    let flagged = points.filter { !$0.flags.isEmpty }
    if !flagged.isEmpty {
      chart.layers.append(
        .points(
          x: flagged.map(\.trueMI), y: flagged.map(\.estimate), color: "#000", radius: 5,
          hollow: true))
      report.paragraph(
        "Circled points are flagged: \(flagged.count) of \(points.count) estimates break a bound beyond "
          + "3 standard errors (below zero, or above the label entropy) or rest on degenerate codes; see the flags column."
      )
    }
    report.charts([chart])
    report.heading("Results (nats)")
    report.table(
      header: ["true MI", "estimate", "standard error", "latent estimate", "latent standard error", "flags"],
      rows: points.map { p in
        [p.trueMI, p.estimate, p.standardError, p.latentEstimate, p.latentStandardError].map {
          String(format: "%.4f", $0)
        } + [p.flags.joined(separator: " ")]
      })
    report.heading("Settings")
    report.table(header: ["setting", "value"], rows: settings.map { [$0.0, $0.1] })
    return report
  }

  /// Mean absolute errors (compressed, uncompressed latents) in nats over the points whose true MI is within 1e-9
  /// of one of `values` (every point when `values` is nil); nil when no point matches.
  package static func meanAbsoluteError(_ points: [SyntheticValidation.Point], at values: [Double]? = nil)
    -> (compressed: Double, latent: Double, count: Int)?
  {
    let chosen = points.filter { p in values.map { $0.contains { abs($0 - p.trueMI) < 1e-9 } } ?? true }
    guard !chosen.isEmpty else { return nil }
    let n = Double(chosen.count)
    return (
      chosen.map { abs($0.estimate - $0.trueMI) }.reduce(0, +) / n,
      chosen.map { abs($0.latentEstimate - $0.trueMI) }.reduce(0, +) / n, chosen.count
    )
  }

  /// `results.csv`: one row per MI value.
  package static func csv(_ points: [SyntheticValidation.Point]) -> String {
    var text = "true_mi,estimate,standard_error,latent_estimate,latent_standard_error,flags\n"
    for p in points {
      text +=
        ([p.trueMI, p.estimate, p.standardError, p.latentEstimate, p.latentStandardError].map { "\($0)" }
        + [p.flags.joined(separator: " ")]).joined(separator: ",") + "\n"
    }
    return text
  }
}
