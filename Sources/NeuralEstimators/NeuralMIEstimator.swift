import Estimators
import Foundation
@_spi(Benchmarks) import NeuralNetwork
@_spi(Benchmarks) import Tensor

/// A neural estimate of I(X;Y): a critic T(x, y) (an MLP on the concatenated, standardised pair,
/// (dx + dy) → hidden → hidden → 1 with LeakyReLU 0.01) trained with Adam to maximise a `VariationalBound` on one part
/// of the samples, and the bound evaluated on the held-out part (docs/estimators.md, "Neural baselines").
///
/// Training draws batches of the training part in a shuffled order per pass; marginal pairs pair each x with the y of
/// another sample of the batch (a random cyclic shift of the batch order: a derangement, so no pair is kept). Every
/// `evaluationInterval` steps the bound is evaluated on the whole held-out part (for InfoNCE in blocks of `batchSize`,
/// so its ceiling is log batchSize); the estimate is the mean of the last `averagedEvaluations` evaluations, its
/// standard error their standard deviation over √count (they are correlated: read it as a floor on the
/// uncertainty). Seeded: the same samples, settings and seed give the same number.
public struct NeuralMIEstimator: Sendable {
  /// The bound maximised and reported.
  public var bound: VariationalBound
  /// Optimisation steps (default 3000).
  public var steps = 3000
  /// Pairs per batch (default 512 for MINE and NWJ; 64 for InfoNCE, whose critic scores B² pairs per step: its
  /// ceiling is then log 64 = 4.16 nats).
  public var batchSize: Int
  /// Adam's learning rate (default 1e-3, the paper's MINE baseline).
  public var learningRate = 1e-3
  /// Share of the samples held out for the reported evaluation (default 0.3).
  public var heldOutFraction = 0.3
  /// Width of the critic's two hidden layers (default 400, the paper's latent critic).
  public var hidden = 400
  /// Steps between two held-out evaluations (default 100).
  public var evaluationInterval = 100
  /// Evaluations averaged into the estimate: the last ones (default 10).
  public var averagedEvaluations = 10
  /// MINE's moving-average rate of E[e^T] (default 0.01, Belghazi et al. 2018).
  public var movingAverageRate = 0.01
  /// Seed of the critic's initialisation, the split, the batches and the shuffles.
  public var seed: UInt64 = 0

  /// An estimator of `bound` with its default batch size.
  public init(bound: VariationalBound) {
    self.bound = bound
    batchSize = bound == .infonce ? 64 : 512
  }

  /// How an estimate went: the estimate and, per evaluation, (step, held-out bound).
  public struct Result: Sendable {
    /// The mean of the last evaluations ± their standard error, in nats; notes say it is a lower bound and, for
    /// InfoNCE, whether it sits at its log-batch ceiling.
    public var estimate: Estimate
    /// (step, held-out value) of every evaluation, in order.
    public var trajectory: [(step: Int, value: Double)]
    /// InfoNCE's ceiling log(batchSize); nil for the others.
    public var ceiling: Double?
  }

  /// Checks the settings against `n` samples.
  /// - Throws: `NeuralEstimatorError.invalidSetting` naming the setting; `.tooFewSamples`.
  public func check(samples n: Int) throws {
    func require(_ ok: Bool, _ name: String, _ value: Any, _ allowed: String) throws {
      if !ok { throw NeuralEstimatorError.invalidSetting(name: name, value: "\(value)", allowed: allowed) }
    }
    try require(steps >= 1 && steps <= 10_000_000, "--neural-steps", steps, "in 1…10000000")
    try require(batchSize >= 2 && batchSize <= 65_536, "--neural-batch", batchSize, "in 2…65536")
    if bound == .infonce {
      try require(batchSize <= 2048, "--neural-batch", batchSize, "≤ 2048 for infonce (it scores batch² pairs)")
    }
    try require(learningRate > 0 && learningRate.isFinite, "--neural-lr", learningRate, "> 0")
    try require(
      heldOutFraction > 0 && heldOutFraction < 1, "--held-out", heldOutFraction, "strictly between 0 and 1")
    try require(hidden >= 1 && hidden <= 16_384, "--critic-width", hidden, "in 1…16384")
    try require(evaluationInterval >= 1, "evaluation interval", evaluationInterval, "≥ 1")
    try require(averagedEvaluations >= 1, "averaged evaluations", averagedEvaluations, "≥ 1")
    let split = Self.split(n, heldOutFraction: heldOutFraction)
    let needed = 2 * batchSize
    guard split.train >= batchSize, split.heldOut >= min(batchSize, 2 * 8), n >= needed else {
      throw NeuralEstimatorError.tooFewSamples(samples: n, needed: needed)
    }
  }

  /// Blocks of the held-out part that one InfoNCE evaluation scores.
  static let infoNCEBlocks = 16

  /// Sizes of the training and held-out parts of `n` samples.
  public static func split(_ n: Int, heldOutFraction: Double) -> (train: Int, heldOut: Int) {
    let heldOut = Int((Double(n) * heldOutFraction).rounded())
    return (n - heldOut, heldOut)
  }

  /// Trains the critic on `x` (n × dx) and `y` (n × dy), rows paired, and evaluates the bound on the held-out rows.
  /// - Parameter progress: called after every evaluation with (step, held-out value).
  /// - Throws: `NeuralEstimatorError` for settings, too few samples, or divergence (naming the step).
  public func estimate(_ x: Matrix, _ y: Matrix, progress: (Int, Double) -> Void = { _, _ in }) throws -> Result {
    guard x.rows == y.rows else {
      throw NeuralEstimatorError.invalidSetting(
        name: "Y's rows", value: "\(y.rows)", allowed: "equal to X's rows (\(x.rows))")
    }
    let n = x.rows
    try check(samples: n)
    var rng = Xoshiro256(seed: seed ^ 0x6E65_7572_616C)
    var order = Array(0..<n)
    rng.shuffle(&order)
    let (trainCount, heldOutCount) = Self.split(n, heldOutFraction: heldOutFraction)
    let trainRows = Array(order[0..<trainCount])
    let heldOutRows = Array(order[trainCount...])
    // Standardised with the training part's means and deviations: MI is unchanged, the critic's inputs are O(1).
    let xs = Self.standardized(x, by: trainRows)
    let ys = Self.standardized(y, by: trainRows)
    let (dx, dy) = (x.columns, y.columns)

    let critic = Sequential([
      Linear(dx + dy, hidden, using: &rng), Activation.leakyReLU(), Linear(hidden, hidden, using: &rng),
      Activation.leakyReLU(), Linear(hidden, 1, using: &rng),
    ])
    var optimizer = Adam(parameters: critic.namedParameters, learningRate: Float(learningRate))
    var movingAverage: Double?
    var trajectory: [(step: Int, value: Double)] = []
    var pass = trainRows
    var position = trainRows.count
    for step in 1...steps {
      if position + batchSize > pass.count {
        rng.shuffle(&pass)
        position = 0
      }
      let batch = Array(pass[position..<(position + batchSize)])
      position += batchSize
      let shift = 1 + rng.nextInt(below: batchSize - 1)
      let pairs = Self.pairs(xs, ys, rows: batch, bound: bound, shift: shift)
      let tape = Tape()
      var context = ForwardContext(tape: tape, isTraining: true, seed: 0)
      let output = critic.forward(Variable(pairs), context: &context)
      let scores = output.value.scalars.map(Double.init)
      guard scores.allSatisfy(\.isFinite) else {
        throw NeuralEstimatorError.diverged(bound: bound, step: step, detail: "a critic score is not finite")
      }
      if bound == .mine {
        let batchMean = exp(VariationalBound.logMeanExp(Array(scores[batchSize...])))
        movingAverage = movingAverage.map { (1 - movingAverageRate) * $0 + movingAverageRate * batchMean } ?? batchMean
      }
      let gradient = VariationalBound.lossGradient(
        bound, scores: scores, batch: batchSize, movingAverage: movingAverage ?? 1)
      guard gradient.allSatisfy(\.isFinite) else {
        throw NeuralEstimatorError.diverged(bound: bound, step: step, detail: "the loss gradient is not finite")
      }
      optimizer.zeroGradients()
      tape.backward(from: output, seed: Tensor(shape: output.shape, scalars: gradient.map(Float.init)))
      optimizer.step()
      if step % evaluationInterval == 0 || step == steps {
        let value = try evaluate(critic, xs, ys, rows: heldOutRows, seed: seed &+ UInt64(step))
        guard value.isFinite else {
          throw NeuralEstimatorError.diverged(
            bound: bound, step: step, detail: "the held-out bound is \(value)")
        }
        trajectory.append((step, value))
        progress(step, value)
      }
    }
    let last = trajectory.suffix(averagedEvaluations).map(\.value)
    let mean = last.reduce(0, +) / Double(last.count)
    let sd =
      last.count > 1
      ? (last.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(last.count - 1)).squareRoot() : 0
    let ceiling = bound == .infonce ? log(Double(batchSize)) : nil
    return Result(
      estimate: Estimate(value: mean, standardError: sd / Double(last.count).squareRoot()),
      trajectory: trajectory, ceiling: ceiling)
  }

  /// The bound on the held-out `rows` with the trained critic: MINE and NWJ on all rows paired and on the rows with
  /// y cyclically shifted by a seeded offset; InfoNCE as the mean over consecutive blocks of `batchSize` rows (at
  /// most `infoNCEBlocks` of them: each costs batch² critic evaluations).
  func evaluate(_ critic: Sequential, _ xs: Matrix, _ ys: Matrix, rows: [Int], seed: UInt64) throws -> Double {
    var context = ForwardContext(tape: nil, isTraining: false, seed: 0)
    switch bound {
    case .mine, .nwj:
      var rng = Xoshiro256(seed: seed)
      let shift = 1 + rng.nextInt(below: rows.count - 1)
      let scores = critic.forward(
        Variable(Self.pairs(xs, ys, rows: rows, bound: bound, shift: shift)), context: &context
      )
      .value.scalars.map(Double.init)
      return VariationalBound.value(bound, joint: Array(scores[..<rows.count]), marginal: Array(scores[rows.count...]))
    case .infonce:
      let blocks = min(Self.infoNCEBlocks, max(1, rows.count / batchSize))
      let size = min(batchSize, rows.count)
      var total = 0.0
      for block in 0..<blocks {
        let members = Array(rows[(block * size)..<((block + 1) * size)])
        let scores = critic.forward(
          Variable(Self.pairs(xs, ys, rows: members, bound: .infonce, shift: 0)), context: &context
        )
        .value.scalars.map(Double.init)
        total += VariationalBound.infoNCE(scores: scores, batch: size)
      }
      return total / Double(blocks)
    }
  }

  /// The critic's inputs `[x_i, y_j]` for a batch of `rows`: for MINE/NWJ the B pairs (i, i) then the B pairs
  /// (i, i + shift mod B); for InfoNCE all B × B pairs (i, j), row-major. Float32, shape [pairs, dx + dy].
  static func pairs(_ xs: Matrix, _ ys: Matrix, rows: [Int], bound: VariationalBound, shift: Int) -> Tensor {
    let (dx, dy, b) = (xs.columns, ys.columns, rows.count)
    let d = dx + dy
    let partners: [(Int, Int)] =
      bound == .infonce
      ? (0..<(b * b)).map { (rows[$0 / b], rows[$0 % b]) }
      : rows.map { ($0, $0) } + (0..<b).map { (rows[$0], rows[($0 + shift) % b]) }
    var scalars = [Float](repeating: 0, count: partners.count * d)
    for (p, (i, j)) in partners.enumerated() {
      for c in 0..<dx { scalars[p * d + c] = Float(xs[i, c]) }
      for c in 0..<dy { scalars[p * d + dx + c] = Float(ys[j, c]) }
    }
    return Tensor(shape: [partners.count, d], scalars: scalars)
  }

  /// `m` with every column centred and scaled by the mean and standard deviation over `rows` (a constant column
  /// is only centred).
  static func standardized(_ m: Matrix, by rows: [Int]) -> Matrix {
    var out = m
    for c in 0..<m.columns {
      let mean = rows.reduce(0) { $0 + m[$1, c] } / Double(rows.count)
      let sd = (rows.reduce(0) { $0 + (m[$1, c] - mean) * (m[$1, c] - mean) } / Double(rows.count)).squareRoot()
      for r in 0..<m.rows { out[r, c] = (m[r, c] - mean) / (sd > 0 ? sd : 1) }
    }
    return out
  }
}
