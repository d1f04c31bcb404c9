import Foundation
import Tensor

/// A k-NN estimator of differential entropy in the Kozachenko–Leonenko family (METHOD.md §3).
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
  /// The weights over the 1st…k-th neighbour for dimension d (k values).
  func neighbourWeights(dimension d: Int) -> [Double]
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
  func entropyTerms(_ x: Matrix, variable: String) throws -> EntropyTerms {
    guard k >= 1 else { throw EstimatorError.invalidNeighbourCount(k) }
    let n = x.rows, d = x.columns
    guard n > k else { throw EstimatorError.tooFewSamples(variable: variable, n: n, k: k) }
    var z = x
    var correction = 0.0
    if whiten {
      let w = try Whitening(x, variable: variable)
      z = w.whitened
      correction = 0.5 * w.logDeterminant
    }
    let weights = neighbourWeights(dimension: d)
    let neighbours = NeighbourIndex(z, metric: .euclidean).kNearest(k: k)
    let dd = Double(d)
    let logVolume = dd / 2 * log(Double.pi) - lgamma(dd / 2 + 1)
    let logN1 = log(Double(n - 1))
    let constant = (1...k).map { Digamma.value(Double($0)) - logVolume - logN1 }
    var v = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var acc = 0.0
      for j in 0..<k where weights[j] != 0 {
        let rho = neighbours.distances[i * k + j]
        guard rho > 0 else {
          throw EstimatorError.duplicateSamples(variable: variable, row: i, duplicateOf: neighbours.indices[i * k + j])
        }
        acc += weights[j] * (constant[j] - dd * log(rho))
      }
      v[i] = acc
    }
    let (mean, se) = meanAndStandardError(v)
    var notes = [EstimateNote]()
    let sum = weights.reduce(0, +)
    if abs(sum - 1) > 1e-6 { notes.append(.weightsDoNotSumToOne(dimension: d, k: k, sum: sum)) }
    return EntropyTerms(value: -mean + correction, standardError: se, perSample: v, notes: notes)
  }
}

/// An entropy estimate with its per-sample values v_i (Ĥ = −mean v + correction).
struct EntropyTerms {
  let value: Double
  let standardError: Double
  let perSample: [Double]
  let notes: [EstimateNote]
}

/// The classic Kozachenko–Leonenko estimator with the k-th neighbour only (w = e_k): Ĥ = ψ(n) − ψ(k) + log V_d
/// + (d/n)·Σ log ρ_{i,k}, with log(n − 1) for ψ(n) as in the paper's code (Kozachenko & Leonenko 1987;
/// Kraskov et al. 2004, eq. 20).
public struct KLEntropy: EntropyEstimator {
  public var k: Int
  public var whiten: Bool
  public var preprocessing: Preprocessing

  public init(k: Int = 5, whiten: Bool = true, preprocessing: Preprocessing = Preprocessing()) {
    self.k = k
    self.whiten = whiten
    self.preprocessing = preprocessing
  }

  public func neighbourWeights(dimension d: Int) -> [Double] {
    var w = [Double](repeating: 0, count: max(k, 0))
    if k >= 1 { w[k - 1] = 1 }
    return w
  }
}

/// The weighted Kozachenko–Leonenko estimator of the paper (Berrett, Samworth & Yuan 2019 weights, the rule of
/// METHOD.md §3): for d ≤ 4 it uses only the 1st neighbour; above, a weighted sum that cancels the leading biases.
public struct WKLEntropy: EntropyEstimator {
  public var k: Int
  public var whiten: Bool
  public var preprocessing: Preprocessing

  public init(k: Int = 5, whiten: Bool = true, preprocessing: Preprocessing = Preprocessing()) {
    self.k = k
    self.whiten = whiten
    self.preprocessing = preprocessing
  }

  public func neighbourWeights(dimension d: Int) -> [Double] { WKLWeights.weights(dimension: d, k: k) }
}
