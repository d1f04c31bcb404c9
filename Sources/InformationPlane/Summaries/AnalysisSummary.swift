/// What `infoplane analyze --json` prints: the settings and every row of `mi.csv`, in nats (NaN and ±Inf as null).
package struct AnalysisSummary: Sendable, Encodable {
  package var estimator: MIEstimatorChoice
  package var k: Int
  package var seed: UInt64
  package var version: String
  /// Paths of the written table and report.
  package var miCSV: String, report: String
  /// One row per epoch and layer, as in `mi.csv`.
  package var rows: [LayerInformation]

  package init(
    estimator: MIEstimatorChoice, k: Int, seed: UInt64, version: String, miCSV: String, report: String,
    rows: [LayerInformation]
  ) {
    (self.estimator, self.k, self.seed, self.version) = (estimator, k, seed, version)
    (self.miCSV, self.report, self.rows) = (miCSV, report, rows)
  }

  enum CodingKeys: String, CodingKey {
    case unit, estimator, k, seed, version
    case miCSV = "mi_csv"
    case report, rows
  }
  enum RowKeys: String, CodingKey {
    case epoch, layer
    case ixl = "I_XL"
    case ixlSE = "I_XL_se"
    case ily = "I_LY"
    case ilySE = "I_LY_se"
    case ixlSmoothed = "I_XL_smoothed"
    case ilySmoothed = "I_LY_smoothed"
    case flags
  }

  package func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode("nats", forKey: .unit)
    try c.encode(estimator, forKey: .estimator)
    try c.encode(k, forKey: .k)
    try c.encode(seed, forKey: .seed)
    try c.encode(version, forKey: .version)
    try c.encode(miCSV, forKey: .miCSV)
    try c.encode(report, forKey: .report)
    var list = c.nestedUnkeyedContainer(forKey: .rows)
    for r in rows {
      var row = list.nestedContainer(keyedBy: RowKeys.self)
      try row.encode(r.epoch, forKey: .epoch)
      try row.encode(r.layer, forKey: .layer)
      try row.encode(finiteOrNil(r.ixl), forKey: .ixl)
      try row.encode(finiteOrNil(r.ixlStandardError), forKey: .ixlSE)
      try row.encode(finiteOrNil(r.ily), forKey: .ily)
      try row.encode(finiteOrNil(r.ilyStandardError), forKey: .ilySE)
      try row.encode(finiteOrNil(r.ixlSmoothed), forKey: .ixlSmoothed)
      try row.encode(finiteOrNil(r.ilySmoothed), forKey: .ilySmoothed)
      try row.encode(r.flags, forKey: .flags)
    }
  }
}

/// `value`, or nil (JSON null) for NaN and ±Inf, which JSON cannot hold.
func finiteOrNil(_ value: Double) -> Double? { value.isFinite ? value : nil }
