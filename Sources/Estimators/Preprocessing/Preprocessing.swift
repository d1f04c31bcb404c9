import Foundation
import Tensor

/// Input hygiene applied by every estimator before it looks at distances (docs/architecture.md, "Hygiene").
///
/// The order is: reject NaN/Inf (naming row and column), optionally standardise each column to zero mean and unit
/// variance, then break exact ties. Tie-breaking adds N(0, 1)·`tieJitter`·spread noise, with spread the column's
/// standard deviation (1 for a constant column), to the columns that hold a repeated value, and only to those:
/// continuous data are left untouched, so results equal an estimator without tie-breaking (e.g. scipy's).
/// The jittered columns are reported as `EstimateNote.tiesBroken`.
public struct Preprocessing: Sendable, Codable, Equatable {
  /// Jitter columns that contain exactly repeated values (duplicated rows make k-NN log-distances −∞).
  public var breakTies: Bool
  /// Standardise every column to zero mean and unit variance first.
  public var standardize: Bool
  /// Seed of the tie-breaking jitter; X and Y get independent streams derived from it.
  public var seed: UInt64
  /// Jitter size relative to each column's standard deviation.
  public var tieJitter: Double

  /// Tie-breaking on, no standardisation, seed 0 and jitter 1e-10 × each column's standard deviation by
  /// default.
  public init(breakTies: Bool = true, standardize: Bool = false, seed: UInt64 = 0, tieJitter: Double = 1e-10) {
    self.breakTies = breakTies
    self.standardize = standardize
    self.seed = seed
    self.tieJitter = tieJitter
  }

  /// The default of the KSG-type estimators (`KSG`, `KSGLabelMI`): every column standardised, so the estimate does
  /// not depend on units, and exact ties left in place for Gao et al.'s counting rule instead of jitter.
  public static let scaleFree = Preprocessing(breakTies: false, standardize: true)

  /// Checks and transforms one variable. `stream` separates the jitter of different variables (X: 0, Y: 1).
  /// - Returns: the prepared matrix and notes for the estimate.
  /// - Throws: `EstimatorError.empty`, `.nonFinite`.
  func prepare(_ x: Matrix, variable: String, stream: UInt64) throws -> (Matrix, [EstimateNote]) {
    try checkFinite(x, variable: variable)
    var m = x
    if standardize { m = standardized(m) }
    guard breakTies else { return (m, []) }
    let columns = jitterTies(&m, seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* (stream &+ 1))
    return (m, columns.isEmpty ? [] : [.tiesBroken(variable: variable, columns: columns)])
  }

  /// Adds seeded noise to the columns with repeated values. - Returns: the 0-based columns jittered.
  func jitterTies(_ m: inout Matrix, seed: UInt64) -> [Int] {
    let n = m.rows, d = m.columns
    var jittered = [Int]()
    var rng = Xoshiro256(seed: seed)
    for c in 0..<d {
      let column = m.column(c)
      let sorted = column.sorted()
      guard zip(sorted, sorted.dropFirst()).contains(where: { $0 == $1 }) else { continue }
      let spread = standardDeviation(column)
      let scale = tieJitter * (spread > 0 ? spread : max(1, abs(sorted[0])))
      m.withUnsafeMutableScalars { x in
        for r in 0..<n { x[r &* d &+ c] += scale * rng.nextGaussian() }
      }
      jittered.append(c)
    }
    return jittered
  }
}

/// Throws `.empty` for a matrix without rows or columns and `.nonFinite` at the first NaN/Inf (row-major order).
func checkFinite(_ x: Matrix, variable: String) throws {
  guard x.rows > 0, x.columns > 0 else {
    throw EstimatorError.empty(variable: variable, rows: x.rows, columns: x.columns)
  }
  if let p = x.scalars.firstIndex(where: { !$0.isFinite }) {
    throw EstimatorError.nonFinite(variable: variable, row: p / x.columns, column: p % x.columns)
  }
}

/// Population standard deviation of `values`.
func standardDeviation(_ values: [Double]) -> Double {
  guard !values.isEmpty else { return 0 }
  let mean = values.reduce(0, +) / Double(values.count)
  let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
  return (ss / Double(values.count)).squareRoot()
}

/// Each column shifted to mean 0 and scaled to unit (population) variance; constant columns are only centred.
func standardized(_ x: Matrix) -> Matrix {
  var m = x
  for c in 0..<x.columns {
    let column = x.column(c)
    let mean = column.reduce(0, +) / Double(column.count)
    let sd = standardDeviation(column)
    let scale = sd > 0 ? 1 / sd : 1
    for r in 0..<x.rows { m[r, c] = (column[r] - mean) * scale }
  }
  return m
}

/// Mean and standard error (population std / √n, docs/method.md §3) of per-sample terms.
func meanAndStandardError(_ terms: [Double]) -> (mean: Double, standardError: Double) {
  let n = Double(terms.count)
  let mean = terms.reduce(0, +) / n
  let variance = terms.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
  return (mean, (variance / n).squareRoot())
}
