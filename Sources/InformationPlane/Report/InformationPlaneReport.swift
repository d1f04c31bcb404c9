import Foundation

/// The HTML report of an information-plane run: the plane per layer, MI against epochs, training curves, settings.
package enum InformationPlaneReport {
  /// Ring colour of I(X;L) points that are `auto`'s KSG fallback.
  static let fallbackColor = "#e6550d"

  /// Builds the report.
  /// - Parameters:
  ///   - title: page title (the run's name).
  ///   - settings: (name, value) pairs shown in a table (the run's config).
  ///   - metrics: per-epoch training metrics (may be empty, e.g. for `analyze`).
  ///   - information: per-epoch, per-layer MI with smoothed columns.
  ///   - layerOrder: layers in display order (default: order of first appearance).
  package static func make(
    title: String, settings: [(String, String)], metrics: [EpochSummary], information: [LayerInformation],
    layerOrder: [String]? = nil, notes: [String] = [], labelEntropy: Double? = nil
  ) -> HTMLReport {
    var report = HTMLReport(title: title)
    var layers = layerOrder ?? []
    if layerOrder == nil { for row in information where !layers.contains(row.layer) { layers.append(row.layer) } }
    let epochs = information.map(\.epoch)
    let (firstEpoch, lastEpoch) = (Double(epochs.min() ?? 1), Double(epochs.max() ?? 1))
    func t(_ e: Int) -> Double { lastEpoch > firstEpoch ? (Double(e) - firstEpoch) / (lastEpoch - firstEpoch) : 1 }

    report.paragraph(
      "Mutual information in nats, estimated after every epoch on a fixed evaluation set: I(X;L) between the "
        + "compressed input and the PCA-compressed layer output, I(L;Y) between the layer and the labels. Points are "
        + "raw estimates with ±1 standard error bars; the line is the smoothed trajectory (Savitzky–Golay, then a "
        + "zero-phase Butterworth low-pass, as in Butakov et al. 2024), coloured from the first epoch (purple) to "
        + "the last (yellow). The low-pass filter flattens the first and last few epochs of a series.")
    for note in notes { report.paragraph(note) }
    if let h = labelEntropy {
      report.paragraph(
        String(
          format: "The dashed line is H(Y) = %.3f nats, the entropy of the evaluation labels and an upper bound on "
            + "I(L;Y).", h))
    }
    let flagged = information.filter { $0.ixlFlagged || $0.ilyFlagged }
    if !flagged.isEmpty {
      var counts: [String: Int] = [:]
      for row in flagged { for flag in row.untrustedFlags { counts[flag, default: 0] += 1 } }
      let reasons = counts.keys.sorted().map { key -> String in
        let (quantity, name) = (key.prefix { $0 != ":" }, key.drop { $0 != ":" }.dropFirst())
        let what = quantity == "I_XL" ? "I(X;L)" : "I(L;Y)"
        let why =
          switch name {
          case "below-zero": "below zero by more than 3 standard errors"
          case "above-label-entropy": "above the label entropy by more than 3 standard errors"
          case "degenerate": "on degenerate codes (ties or a rank-deficient covariance)"
          default: String(name)
          }
        return "\(what) \(why) (\(counts[key]!) points)"
      }
      report.paragraph(
        "Hollow rings mark flagged estimates, which the estimator cannot be trusted on: "
          + reasons.joined(separator: "; ") + ". The flags column of mi.csv names them per epoch and layer.")
    }
    let fallbacks = information.filter(\.isKSGFallback).count
    if fallbacks > 0 {
      report.paragraph(
        "Orange rings mark the \(fallbacks) I(X;L) estimates that are KSG's because the paper's WKL estimate was "
          + "flagged, negative or failed on those codes (estimator auto). The two estimators can differ by several "
          + "nats on the same codes (KSG reads lower on 4 + 4 dimensions), so a series that switches between them "
          + "jumps there.")
    }
    func bound(_ x: [Double]) -> [SVGChart.Layer] {
      guard let h = labelEntropy, let lo = x.filter(\.isFinite).min(), let hi = x.filter(\.isFinite).max() else {
        return []
      }
      return [.line(x: [lo, hi], y: [h, h], color: "#888", width: 1, dashed: true)]
    }

    report.heading("Information plane")
    report.charts(
      layers.map { layer in
        let rows = information.filter { $0.layer == layer }.sorted { $0.epoch < $1.epoch }
        var chart = SVGChart(title: layer, xLabel: "I(X;L), nats", yLabel: "I(L;Y), nats", width: 440, height: 340)
        chart.layers =
          bound(rows.map(\.ixl)) + [
            .errorBars(
              x: rows.map(\.ixl), y: rows.map(\.ily), xError: rows.map(\.ixlStandardError),
              yError: rows.map(\.ilyStandardError), color: "#6baed6", opacity: 0.35),
            .points(
              x: rows.map(\.ixl), y: rows.map(\.ily), color: "#6baed6", colors: rows.map { rampColor(t($0.epoch)) },
              radius: 2.2),
            .gradientPath(
              x: rows.map(\.ixlSmoothed), y: rows.map(\.ilySmoothed), colors: rows.map { rampColor(t($0.epoch)) },
              width: 2.5),
          ]
        let switched = rows.filter(\.isKSGFallback)
        if !switched.isEmpty {
          chart.layers.append(
            .points(x: switched.map(\.ixl), y: switched.map(\.ily), color: Self.fallbackColor, radius: 4, hollow: true))
        }
        let bad = rows.filter { $0.ixlFlagged || $0.ilyFlagged }
        if !bad.isEmpty {
          chart.layers.append(.points(x: bad.map(\.ixl), y: bad.map(\.ily), color: "#000", radius: 5, hollow: true))
        }
        return chart
      })

    report.heading("Mutual information per epoch")
    report.charts(
      layers.map { layer in
        let rows = information.filter { $0.layer == layer }.sorted { $0.epoch < $1.epoch }
        let e = rows.map { Double($0.epoch) }
        var chart = SVGChart(title: layer, xLabel: "epoch", yLabel: "nats", width: 440, height: 300)
        chart.layers =
          bound(e) + [
            .band(
              x: e, lower: rows.map { $0.ixl - $0.ixlStandardError }, upper: rows.map { $0.ixl + $0.ixlStandardError },
              color: "#1f77b4", opacity: 0.15),
            .band(
              x: e, lower: rows.map { $0.ily - $0.ilyStandardError }, upper: rows.map { $0.ily + $0.ilyStandardError },
              color: "#d62728", opacity: 0.15),
            .points(x: e, y: rows.map(\.ixl), color: "#1f77b4", radius: 1.8),
            .points(x: e, y: rows.map(\.ily), color: "#d62728", radius: 1.8),
            .line(x: e, y: rows.map(\.ixlSmoothed), color: "#1f77b4", label: "I(X;L)"),
            .line(x: e, y: rows.map(\.ilySmoothed), color: "#d62728", label: "I(L;Y)"),
          ]
        let switched = rows.filter(\.isKSGFallback)
        if !switched.isEmpty {
          chart.layers.append(
            .points(
              x: switched.map { Double($0.epoch) }, y: switched.map(\.ixl), color: Self.fallbackColor, radius: 3.5,
              hollow: true, label: "I(X;L) by KSG"))
        }
        let badX = rows.filter(\.ixlFlagged), badY = rows.filter(\.ilyFlagged)
        if !badX.isEmpty || !badY.isEmpty {
          chart.layers.append(
            .points(
              x: badX.map { Double($0.epoch) } + badY.map { Double($0.epoch) },
              y: badX.map(\.ixl) + badY.map(\.ily), color: "#000", radius: 4, hollow: true))
        }
        return chart
      })

    if !metrics.isEmpty {
      report.heading("Training")
      let e = metrics.map { Double($0.epoch) }
      var loss = SVGChart(title: "Loss (NLL)", xLabel: "epoch", yLabel: "nats per sample")
      loss.layers = [
        .line(x: e, y: metrics.map(\.trainLoss), color: "#1f77b4", label: "train"),
        .line(x: e, y: metrics.map(\.testLoss), color: "#ff7f0e", label: "test"),
      ]
      var accuracy = SVGChart(title: "Accuracy and ROC-AUC", xLabel: "epoch", yLabel: "fraction")
      accuracy.layers = [
        .line(x: e, y: metrics.map(\.trainAccuracy), color: "#1f77b4", label: "train accuracy"),
        .line(x: e, y: metrics.map(\.testAccuracy), color: "#ff7f0e", label: "test accuracy"),
        .line(x: e, y: metrics.map(\.testROCAUC), color: "#2ca02c", dashed: true, label: "test ROC-AUC (ovo)"),
      ]
      report.charts([loss, accuracy])
      report.table(
        header: ["epoch", "train loss", "test loss", "train acc.", "test acc.", "test ROC-AUC", "seconds"],
        rows: metrics.map { m in
          [String(m.epoch)]
            + [m.trainLoss, m.testLoss, m.trainAccuracy, m.testAccuracy, m.testROCAUC, m.seconds].map {
              String(format: "%.4f", $0)
            }
        })
    }

    report.heading("Settings")
    report.table(header: ["setting", "value"], rows: settings.map { [$0.0, $0.1] })
    return report
  }
}
