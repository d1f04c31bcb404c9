/// What `infoplane analyze --json` prints: the settings and every row of `mi.csv`, in nats (NaN and ±Inf as null).
package struct AnalysisSummary: Sendable, Encodable {
  /// One row of `mi.csv`: an epoch and layer's I(X;L) and I(L;Y) with standard errors, smoothed values and flags.
  package struct Row: Sendable, Encodable {
    let epoch: Int, layer: String, flags: [String]
    let ixl: Nullable<Double>, ixlSE: Nullable<Double>, ily: Nullable<Double>, ilySE: Nullable<Double>
    let ixlSmoothed: Nullable<Double>, ilySmoothed: Nullable<Double>

    enum CodingKeys: String, CodingKey {
      case epoch, layer, flags
      case ixl = "I_XL"
      case ixlSE = "I_XL_se"
      case ily = "I_LY"
      case ilySE = "I_LY_se"
      case ixlSmoothed = "I_XL_smoothed"
      case ilySmoothed = "I_LY_smoothed"
    }

    init(_ r: LayerInformation) {
      (epoch, layer, flags) = (r.epoch, r.layer, r.flags)
      (ixl, ixlSE) = (Nullable(finite: r.ixl), Nullable(finite: r.ixlStandardError))
      (ily, ilySE) = (Nullable(finite: r.ily), Nullable(finite: r.ilyStandardError))
      (ixlSmoothed, ilySmoothed) = (Nullable(finite: r.ixlSmoothed), Nullable(finite: r.ilySmoothed))
    }
  }

  let unit = "nats"
  let estimator: MIEstimatorChoice, k: Int, seed: UInt64, version: String
  /// Paths of the written table and report.
  let miCSV: String, report: String
  let rows: [Row]

  enum CodingKeys: String, CodingKey {
    case unit, estimator, k, seed, version
    case miCSV = "mi_csv"
    case report, rows
  }

  package init(
    estimator: MIEstimatorChoice, k: Int, seed: UInt64, version: String, miCSV: String, report: String,
    rows: [LayerInformation]
  ) {
    (self.estimator, self.k, self.seed, self.version) = (estimator, k, seed, version)
    (self.miCSV, self.report, self.rows) = (miCSV, report, rows.map(Row.init))
  }
}
