import Foundation
import Tensor

/// A k-NN estimator of differential entropy in the Kozachenko–Leonenko family (docs/method.md §3).
///
/// With ρ_{i,j} the Euclidean distance from sample i to its j-th nearest other sample,
/// log f̂_{i,j} = ψ(j) − log V_d − d·log ρ_{i,j} − log(n − 1), V_d = π^{d/2}/Γ(d/2 + 1), the per-sample value
/// v_i = Σ_j w_j·log f̂_{i,j}, Ĥ = −mean_i v_i (+ ½·log det Σ̂ when whitened) and standard error std_i(v_i)/√n.
/// Conformers choose the weights w: `KLEntropy` (the k-th neighbour) and `WKLEntropy` (Berrett–Samworth–Yuan).
public protocol EntropyEstimator: Sendable, Codable {
  /// Neighbours per sample.
  var k: Int { get }
  /// Whiten each variable by its own sample covariance and add ½·log det Σ̂ (the paper's default).
  var whiten: Bool { get }
  /// NaN/Inf checks, optional standardisation, tie-breaking.
  var preprocessing: Preprocessing { get }
  /// The weights over the 1st…k-th neighbour for dimension d and k neighbours (k values).
  func neighbourWeights(dimension d: Int, k: Int) -> [Double]
}

extension EntropyEstimator {
  /// The weights for dimension d with this estimator's own k.
  public func neighbourWeights(dimension d: Int) -> [Double] { neighbourWeights(dimension: d, k: k) }

  /// The smallest k' ≥ k whose weights for dimension d sum to 1 (a valid, not over-determined system; docs/method.md
  /// docs/method.md §18.2), or nil when none up to `limit` is.
  public func validNeighbourCount(dimension d: Int, limit: Int) -> Int? {
    var candidate = k
    while candidate <= limit {
      if abs(neighbourWeights(dimension: d, k: candidate).reduce(0, +) - 1) <= 1e-6 { return candidate }
      candidate += 1
    }
    return nil
  }
}

extension EntropyEstimator {
  /// The differential entropy H(X) in nats.
  /// - Parameter x: n×d samples, one row per sample.
  /// - Returns: the estimate and its standard error (nats); entropies can be negative and are not flagged.
  /// - Throws: `EstimatorError` for non-finite values, n ≤ k, n ≤ d when whitening, a singular covariance, and
  ///   duplicated rows with tie-breaking off.
  /// - Complexity: expected O(n log n) for d below the brute-force cut-over, O(n²·d) above.
  public func estimate(_ x: Matrix) throws -> Estimate {
    let (prepared, notes) = try preprocessing.prepare(x, variable: "X", stream: 0)
    let result = try entropyTerms(prepared, variable: "X")
    return Estimate(value: result.value, standardError: result.standardError, notes: notes + result.notes)
  }

  /// Entropy of already prepared (checked, jittered) samples, keeping the per-sample values.
  ///
  /// Guards (docs/architecture.md, "Hygiene"): when the weights for this dimension and k are over-determined (they would not
  /// sum to 1), k is raised to the smallest valid value and noted (`.neighboursRaised`); when no k < n is valid the
  /// estimate stops with `EstimatorError.overdeterminedWeights`. Degenerate samples (a share of near-duplicate nearest
  /// neighbours, or a covariance of lower effective rank than d) are flagged `.degenerate`.
  func entropyTerms(_ x: Matrix, variable: String) throws -> EntropyTerms {
    guard k >= 1 else { throw EstimatorError.invalidNeighbourCount(k) }
    let n = x.rows, d = x.columns
    guard n > k else { throw EstimatorError.tooFewSamples(variable: variable, n: n, k: k) }
    var notes = [EstimateNote]()
    // k itself when its weights are valid; otherwise the smallest valid k' > k, if samples allow it.
    guard let kUsed = validNeighbourCount(dimension: d, limit: max(k, d / 4 + 3)) else {
      throw EstimatorError.overdeterminedWeights(variable: variable, dimension: d, k: k, needed: nil, n: n)
    }
    guard kUsed < n else {
      throw EstimatorError.overdeterminedWeights(variable: variable, dimension: d, k: k, needed: kUsed, n: n)
    }
    if kUsed != k { notes.append(.neighboursRaised(variable: variable, dimension: d, requested: k, used: kUsed)) }
    var z = x
    var correction = 0.0
    var effectiveRank = d
    if whiten {
      let w = try Whitening(x, variable: variable)
      z = w.whitened
      correction = 0.5 * w.logDeterminant
      effectiveRank = w.effectiveRank
    }
    let weights = neighbourWeights(dimension: d, k: kUsed)
    let neighbours = NeighbourIndex(z, metric: .euclidean).kNearest(k: kUsed)
    let dd = Double(d)
    let logVolume = dd / 2 * log(Double.pi) - lgamma(dd / 2 + 1)
    let logN1 = log(Double(n - 1))
    let constant = (1...kUsed).map { Digamma.value(Double($0)) - logVolume - logN1 }
    var v = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var acc = 0.0
      for j in 0..<kUsed where weights[j] != 0 {
        let rho = neighbours.distances[i * kUsed + j]
        guard rho > 0 else {
          throw EstimatorError.duplicateSamples(
            variable: variable, row: i, duplicateOf: neighbours.indices[i * kUsed + j])
        }
        acc += weights[j] * (constant[j] - dd * log(rho))
      }
      v[i] = acc
    }
    let (mean, se) = meanAndStandardError(v)
    let tiedShare = nearTieShare(neighbours, scale: rootMeanSquareSpread(z))
    if tiedShare > Self.degenerateTieShare || effectiveRank < d {
      notes.append(.degenerate(variable: variable, tiedShare: tiedShare, effectiveRank: effectiveRank, dimension: d))
    }
    return EntropyTerms(value: -mean + correction, standardError: se, perSample: v, notes: notes)
  }

  /// Share of near-tied samples above which a variable is flagged degenerate.
  static var degenerateTieShare: Double { 0.01 }

  /// The share of samples whose nearest neighbour is closer than 1e-6 × `scale` (the variable's spread): exact
  /// duplicates broken by jitter, saturated units and other point masses.
  func nearTieShare(_ neighbours: Neighbours, scale: Double) -> Double {
    let n = neighbours.distances.count / neighbours.k
    guard n > 0 else { return 0 }
    let threshold = 1e-6 * scale
    let tied = (0..<n).reduce(0) { $0 + (neighbours.distances[$1 * neighbours.k] <= threshold ? 1 : 0) }
    return Double(tied) / Double(n)
  }
}

/// √(mean over columns of the column variance): the spread of an n×d sample (1 for whitened data).
func rootMeanSquareSpread(_ x: Matrix) -> Double {
  guard x.columns > 0 else { return 0 }
  var total = 0.0
  for c in 0..<x.columns { let s = standardDeviation(x.column(c)); total += s * s }
  return (total / Double(x.columns)).squareRoot()
}

/// An entropy estimate with its per-sample values v_i (Ĥ = −mean v + correction).
struct EntropyTerms {
  let value: Double
  let standardError: Double
  let perSample: [Double]
  let notes: [EstimateNote]
}
