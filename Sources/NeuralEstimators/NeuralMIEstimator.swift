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
/// `evaluationInterval` steps the bound is evaluated on the whole held-out part (for InfoNCE on up to 16 blocks of
/// `batchSize` held-out rows drawn afresh each time, so its ceiling is log batchSize); the estimate is the mean of
/// the last `averagedEvaluations` evaluations, its standard error their standard deviation over √count (they are
/// correlated: read it as a floor on the uncertainty). Seeded: the same samples, settings and seed give the same
/// number.
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
  /// Width of the critic's two hidden layers (nil: 400 for two vectors, the paper's latent critic; 100 when either
  /// side is an image, its image critic).
  public var hidden: Int?
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
    if let hidden { try require(hidden >= 1 && hidden <= 16_384, "--critic-width", hidden, "in 1…16384") }
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
    var (rng, trainRows, heldOutRows) = try splitRows(x.rows, y.rows)
    return try train(
      Self.standardized(x, by: trainRows).tensor, Self.standardized(y, by: trainRows).tensor, trainRows: trainRows,
      heldOutRows: heldOutRows, rng: &rng, progress: progress)
  }

  /// The seeded generator after the split, the training rows and the held-out rows of `n` samples, once X's `n`
  /// and Y's `yRows` are checked to pair and the settings against `n`.
  /// - Throws: `NeuralEstimatorError.invalidSetting` (unpaired rows, settings); `.tooFewSamples`.
  func splitRows(_ n: Int, _ yRows: Int) throws -> (Xoshiro256, [Int], [Int]) {
    guard n == yRows else {
      throw NeuralEstimatorError.invalidSetting(
        name: "Y's rows", value: "\(yRows)", allowed: "equal to X's rows (\(n))")
    }
    try check(samples: n)
    var rng = Xoshiro256(seed: seed ^ 0x6E65_7572_616C)
    var order = Array(0..<n)
    rng.shuffle(&order)
    let trainCount = Self.split(n, heldOutFraction: heldOutFraction).train
    return (rng, Array(order[0..<trainCount]), Array(order[trainCount...]))
  }

  /// Trains the critic on paired samples `x` `[n, …]` and `y` `[n, …]` and evaluates the bound on the held-out rows.
  ///
  /// A side of shape `[n, d]` is a vector (standardised per column); `[n, C, H, W]`, or `[n, H, W]` read as one
  /// channel, with H and W ≥ 4 is an image (centred and scaled by one mean and deviation over its values) that the
  /// critic reads through a conv tower (`Critic`); any other shape is flattened to a vector per sample.
  /// - Parameter progress: called after every evaluation with (step, held-out value).
  /// - Throws: `NeuralEstimatorError` for settings, too few samples, or divergence (naming the step).
  public func estimate(samples x: Tensor, _ y: Tensor, progress: (Int, Double) -> Void = { _, _ in }) throws -> Result {
    var (rng, trainRows, heldOutRows) = try splitRows(x.shape.first ?? 0, y.shape.first ?? 0)
    // Standardised with the training part's statistics: MI is unchanged, the critic's inputs are O(1).
    return try train(
      Self.standardized(x, by: trainRows), Self.standardized(y, by: trainRows), trainRows: trainRows,
      heldOutRows: heldOutRows, rng: &rng, progress: progress)
  }

  /// Trains a fresh critic on the standardised samples' `trainRows` and evaluates it on `heldOutRows`.
  func train(
    _ xs: Tensor, _ ys: Tensor, trainRows: [Int], heldOutRows: [Int], rng: inout Xoshiro256,
    progress: (Int, Double) -> Void
  ) throws -> Result {
    let (xShape, yShape) = (Array(xs.shape.dropFirst()), Array(ys.shape.dropFirst()))
    let critic = Critic(
      xShape: xShape, yShape: yShape, width: hidden ?? Critic.defaultWidth(xShape: xShape, yShape: yShape),
      using: &rng)
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
      let tape = Tape()
      var context = ForwardContext(tape: tape, isTraining: true, seed: 0)
      let output = critic.scores(
        x: xs.selectingRows(batch), y: ys.selectingRows(batch),
        pairs: Self.pairs(batchSize, bound: bound, shift: shift),
        context: &context)
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
        let value = evaluate(critic, xs, ys, rows: heldOutRows, seed: seed &+ UInt64(step))
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

  /// Samples per tower pass when features of many held-out samples are computed (bounds the memory of image towers).
  static let featureChunk = 1024

  /// The bound on the held-out `rows` with the trained critic: MINE and NWJ on all rows paired and on the rows with
  /// y cyclically shifted by a seeded offset; InfoNCE as the mean over blocks of `batchSize` rows drawn afresh (seeded)
  /// for every evaluation (at most `infoNCEBlocks` of them: each costs batch² head evaluations).
  func evaluate(_ critic: Critic, _ xs: Tensor, _ ys: Tensor, rows: [Int], seed: UInt64) -> Double {
    var context = ForwardContext(tape: nil, isTraining: false, seed: 0)
    /// Features of `members` of one side, a chunk at a time.
    func features(_ data: Tensor, _ members: [Int], _ tower: Sequential?) -> Tensor {
      guard tower != nil else { return data.selectingRows(members) }
      var parts: [Float] = []
      var width = 0
      for start in stride(from: 0, to: members.count, by: Self.featureChunk) {
        let chunk = Array(members[start..<min(members.count, start + Self.featureChunk)])
        let f = critic.features(data.selectingRows(chunk), tower: tower, context: &context).value
        width = f.shape[1]
        parts.append(contentsOf: f.scalars)
      }
      return Tensor(shape: [members.count, width], scalars: parts)
    }
    func headScores(_ fx: Tensor, _ fy: Tensor, _ pairs: [(Int, Int)]) -> [Double] {
      critic.head.forward(Variable.pairedRows(Variable(fx), Variable(fy), pairs: pairs), context: &context)
        .value.scalars.map(Double.init)
    }
    switch bound {
    case .mine, .nwj:
      var rng = Xoshiro256(seed: seed)
      let shift = 1 + rng.nextInt(below: rows.count - 1)
      let scores = headScores(
        features(xs, rows, critic.towerX), features(ys, rows, critic.towerY),
        Self.pairs(rows.count, bound: bound, shift: shift))
      return VariationalBound.value(bound, joint: Array(scores[..<rows.count]), marginal: Array(scores[rows.count...]))
    case .infonce:
      // A seeded draw of the held-out rows per evaluation: averaging evaluations then also averages over the
      // held-out samples and their negatives, not only over critics on the same few blocks.
      var rng = Xoshiro256(seed: seed)
      var drawn = rows
      rng.shuffle(&drawn)
      let blocks = min(Self.infoNCEBlocks, max(1, rows.count / batchSize))
      let size = min(batchSize, rows.count)
      var total = 0.0
      for block in 0..<blocks {
        let members = Array(drawn[(block * size)..<((block + 1) * size)])
        let scores = headScores(
          features(xs, members, critic.towerX), features(ys, members, critic.towerY),
          Self.pairs(size, bound: .infonce, shift: 0))
        total += VariationalBound.infoNCE(scores: scores, batch: size)
      }
      return total / Double(blocks)
    }
  }

  /// The pairs (i, j) of a batch of `b` samples the critic scores: for MINE/NWJ the b joint pairs (i, i) then the b
  /// marginal pairs (i, i + shift mod b); for InfoNCE all b × b pairs (i, j), row-major.
  static func pairs(_ b: Int, bound: VariationalBound, shift: Int) -> [(Int, Int)] {
    bound == .infonce
      ? (0..<(b * b)).map { ($0 / b, $0 % b) }
      : (0..<b).map { ($0, $0) } + (0..<b).map { ($0, ($0 + shift) % b) }
  }

  /// The critic's view of one side `[n, …]`: `[n, d]` vectors standardised per column over `rows`; images
  /// (`[n, C, H, W]`, or `[n, H, W]` as one channel, H and W ≥ 4) centred and scaled by one mean and standard
  /// deviation over all their values in `rows`; any other shape flattened to vectors first.
  static func standardized(_ data: Tensor, by rows: [Int]) -> Tensor {
    let n = data.shape.first ?? 0
    var shape = Array(data.shape.dropFirst())
    if shape.count == 2 { shape = [1] + shape }
    let isImage = shape.count == 3 && shape[1] >= 4 && shape[2] >= 4
    guard isImage else {
      let d = data.shape.dropFirst().reduce(1, *)
      let m = Matrix(rows: n, columns: d, scalars: data.scalars.map(Double.init))
      return standardized(m, by: rows).tensor
    }
    let width = shape.reduce(1, *)
    var total = 0.0, squares = 0.0
    data.scalars.withUnsafeBufferPointer { v in
      for row in rows {
        for c in 0..<width {
          let value = Double(v[row * width + c])
          total += value
          squares += value * value
        }
      }
    }
    let count = Double(rows.count * width)
    let mean = total / count
    let sd = max(0, squares / count - mean * mean).squareRoot()
    let scale = sd > 0 ? 1 / sd : 1
    return Tensor(shape: [n] + shape, scalars: data.scalars.map { Float((Double($0) - mean) * scale) })
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
