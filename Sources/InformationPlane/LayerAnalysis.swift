import Compression
import Estimators
import Foundation
import Tensor

/// One epoch of the information plane (docs/method.md §10.5 step 4): for each recorded layer, compress its outputs by
/// PCA refitted on those outputs, then estimate I(X̃; L̃) against the fixed input codes and I(L̃; Y) against the labels,
/// on the same ordered samples (docs/method.md §15.1).
public struct LayerAnalysis: Sendable, Codable, Equatable {
  /// PCA components kept per layer (min with the layer's dimension), the paper's `L_latent_dim` = 4.
  public var latentDimension: Int
  /// The estimator of both I(X̃; L̃) and I(L̃; Y).
  public var estimator: MIEstimatorChoice
  /// Neighbours of the k-NN estimators.
  public var k: Int
  /// Standard errors of the entropy-sum and label estimates (default: the paper's sum of the parts' errors).
  public var standardErrorRule: StandardErrorRule

  /// `latentDimension` PCA components per layer (≥ 1), the estimator, `k` neighbours per sample and the
  /// standard-error rule.
  public init(
    latentDimension: Int = 4, estimator: MIEstimatorChoice = .auto, k: Int = 5,
    standardErrorRule: StandardErrorRule = .sumOfParts
  ) {
    self.latentDimension = latentDimension
    self.estimator = estimator
    self.k = k
    self.standardErrorRule = standardErrorRule
  }

  /// Estimates for every layer, in the given order.
  /// - Parameters:
  ///   - inputCodes: n × c codes of the inputs X̃, row i for sample i.
  ///   - labels: n class labels.
  ///   - layers: (name, outputs `[n, …]`) in display order.
  ///   - epoch: stored in the rows.
  ///   - seed: PCA and tie-breaking seed (vary it per epoch).
  /// - Throws: `InformationPlaneError.sampleCountMismatch` when a layer's rows differ from the codes; compression and
  ///   estimator errors (e.g. a class with ≤ k samples) otherwise.
  public func analyze(
    inputCodes: Matrix, labels: [Int32], layers: [(name: String, outputs: Tensor)], epoch: Int, seed: UInt64
  ) throws -> [LayerInformation] {
    guard inputCodes.rows == labels.count else {
      throw InformationPlaneError.sampleCountMismatch(layer: "labels", expected: inputCodes.rows, found: labels.count)
    }
    var timings = (compression: 0.0, estimation: 0.0)
    return try layers.enumerated().map { index, layer in
      try analyzeLayer(
        layer.name, outputs: layer.outputs, index: index, inputCodes: inputCodes, labels: labels, epoch: epoch,
        seed: seed, timings: &timings)
    }
  }

  /// The estimates of one layer: `analyze` for the layer at position `index` of the list (its seeds depend on the
  /// position), for callers that produce the layers one at a time. `outputs` is consumed (centred in place).
  /// `timings` receives the seconds spent compressing and estimating.
  /// - Throws: As `analyze`.
  public func analyzeLayer(
    _ name: String, outputs: consuming Tensor, index: Int, inputCodes: Matrix, labels: [Int32], epoch: Int,
    seed: UInt64, timings: inout (compression: Double, estimation: Double)
  ) throws -> LayerInformation {
    guard inputCodes.rows == labels.count else {
      throw InformationPlaneError.sampleCountMismatch(layer: "labels", expected: inputCodes.rows, found: labels.count)
    }
    let n = outputs.shape.first ?? 0
    guard n == inputCodes.rows else {
      throw InformationPlaneError.sampleCountMismatch(layer: name, expected: inputCodes.rows, found: n)
    }
    if Self.isConstant(outputs) {
      // A layer that gives every sample the same output is independent of X and Y: both MIs are exactly 0.
      return LayerInformation(
        epoch: epoch, layer: name, ixl: 0, ixlStandardError: 0, ily: 0, ilyStandardError: 0,
        flags: ["I_XL:constant-layer", "I_LY:constant-layer"])
    }
    let layerSeed = seed &+ UInt64(index) &* 0x9E37_79B9
    let start = Date()
    let codes = try compress(consuming: consume outputs, seed: layerSeed).codes
    let compressed = Date()
    let ixl = try estimator.continuous(inputCodes, codes, k: k, seed: layerSeed, rule: standardErrorRule)
    let ily = try estimator.labels(codes, labels, k: k, seed: layerSeed &+ 1, rule: standardErrorRule)
    timings.compression += compressed.timeIntervalSince(start)
    timings.estimation += Date().timeIntervalSince(compressed)
    return LayerInformation(
      epoch: epoch, layer: name, ixl: ixl.value, ixlStandardError: ixl.standardError,
      ily: ily.value, ilyStandardError: ily.standardError,
      flags: Self.flags(ixl, prefix: "I_XL") + Self.flags(ily, prefix: "I_LY"))
  }

  /// Whether every sample (row of `outputs` `[n, …]`) is bitwise the same as the first: a dead or saturated layer.
  static func isConstant(_ outputs: borrowing Tensor) -> Bool {
    let n = outputs.shape.first ?? 0
    guard n > 1 else { return false }
    let d = outputs.count / n
    return outputs.scalars.withUnsafeBufferPointer { x in
      for i in 1..<n {
        for j in 0..<d where x[i * d + j].bitPattern != x[j].bitPattern { return false }
      }
      return true
    }
  }

  /// The mi.csv flags of one estimate: its flag names, and "ksg-fallback" when `auto` fell back to KSG.
  static func flags(_ estimate: Estimate, prefix: String) -> [String] {
    var names = estimate.flags.compactMap(\.flagName)
    if estimate.notes.contains(where: { if case .fallback = $0 { true } else { false } }) {
      names.append("ksg-fallback")
    }
    return names.map { prefix + ":" + $0 }
  }

  /// The PCA codes of one layer's outputs `[n, …]`: flattened per sample, PCA to min(`latentDimension`, D) refitted
  /// on these outputs (docs/method.md §6.4). - Returns: n × c codes and the fitted model.
  public func compress(_ outputs: Tensor, seed: UInt64) throws -> (codes: Matrix, model: PCAModel) {
    let n = outputs.shape.first ?? 0
    let flat = outputs.reshaped([n, -1])
    let model = try PCA(components: min(latentDimension, flat.shape[1])).fit(flat, seed: seed)
    return (try model.transform(flat), model)
  }

  /// `compress(_:seed:)` without a copy of the outputs: they are centred in place (`PCA.fitTransform`), so a layer
  /// of several gigabytes needs no second copy. Codes agree with `compress` up to Float32 rounding.
  public func compress(consuming outputs: consuming Tensor, seed: UInt64) throws -> (codes: Matrix, model: PCAModel) {
    guard outputs.rank >= 2 else { return try compress(outputs, seed: seed) }  // [n]: one feature, nothing to save
    let n = outputs.shape.first ?? 0
    let d = n == 0 ? 0 : outputs.count / n
    return try PCA(components: min(latentDimension, max(d, 1))).fitTransform(consume outputs, seed: seed)
  }

  /// Fills the smoothed columns of every layer's series (docs/method.md §10.6) over the epochs present.
  public static func smooth(_ rows: [LayerInformation], smoother: TrajectorySmoother) throws -> [LayerInformation] {
    var out = rows
    var byLayer: [String: [Int]] = [:]
    for (i, row) in rows.enumerated() { byLayer[row.layer, default: []].append(i) }
    for indices in byLayer.values {
      let ordered = indices.sorted { rows[$0].epoch < rows[$1].epoch }
      let ixl = try smoother.smooth(ordered.map { rows[$0].ixl })
      let ily = try smoother.smooth(ordered.map { rows[$0].ily })
      for (j, i) in ordered.enumerated() {
        out[i].ixlSmoothed = ixl[j]
        out[i].ilySmoothed = ily[j]
      }
    }
    return out
  }
}
