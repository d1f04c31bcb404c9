import Foundation
import Tensor

/// A synthetic benchmark with known mutual information (docs/method.md §7–§8, the paper's Algorithm 1).
///
/// Latent Gaussians (ξ, η) with I(ξ;η) = I are mapped by injective maps f1 (to uniform coordinates / rectangle corners)
/// and f2 (rasterised to images, or embedded in R³²), so the MI between the two observed variables is still I.
package struct SyntheticTask: Sendable, Equatable, Codable {
  /// The task families of the paper.
  package enum Kind: String, CaseIterable, Codable, Sendable {
    /// Isotropic Gaussian bump at a uniform position (2 latent dimensions per side).
    case blobs
    /// Anisotropic, correlated bump (5 latent dimensions per side).
    case correlatedBlobs = "correlated-blobs"
    /// Anti-aliased rectangle with uniform corners (4 latent dimensions per side).
    case rectangles
    /// The correlated Gaussian vectors themselves (no map; `latentDimension` per side).
    case gaussian
    /// The anti-PCA manifold in R³² (1 informative + 1 nuisance dimension per side, docs/method.md §7.4).
    case antiPCA = "anti-pca"
    /// X uniform in [0,1]^d, Y = ⌊X₀·N⌋ a discrete label; I(X;Y) = ln N (docs/method.md §8).
    case labels
    /// Trained-layer regime: 10 separated unit-variance clusters in d = `latentDimension` dimensions (2…8), labels
    /// through a symmetric channel (`LabelChannel`); I(L;Y) = ln 10 − H_b(p) − p·ln 9, p solved for the MI asked.
    case labelMixing = "label-mixing"
    /// The softmax variant: L = softmax(8·onehot(C) + ε), ε ~ N(0, I₁₀), a code near the simplex's vertices (PCA to 4
    /// by default, as a classifier's output layer is compressed); same channel and truth (exact at independence).
    case labelMixingSimplex = "label-mixing-simplex"
    /// Class-cluster codes for I(X;L): X ~ N(0, I_d); its decile class c(X₀) (10 equiprobable classes) passes the
    /// label channel, and L is that class's cluster (as `labelMixing`) in d dimensions. The clusters are separable, so
    /// I(X;L) = I(c(X); C̃) = ln 10 − H_b(p) − p·ln 9 — the geometry of a trained layer, with a continuous X.
    case clusterCodes = "cluster-codes"
    /// Stochastic saturated units: X ~ N(0, I_d), L = q(X) + σ·ε with q the 3-level quantiser of `NoisyQuantizer`;
    /// I(X;L) by quadrature, σ solved for the MI asked (< d·1.0397 nats).
    case noisyQuantized = "noisy-quantized"
    /// A noisy linear layer: X ~ N(0, Σ) in 64 dimensions, L = W·X + σ·ε in 16 (`LinearNetwork`), both compressed by
    /// a PCA fitted on the sample; the truth is closed-form from the fitted projections.
    case linearNetwork = "linear-network"
  }

  /// Whether Y is a class label (the estimate is I(X;Y) with Y discrete).
  package var hasLabels: Bool { [.labels, .labelMixing, .labelMixingSimplex].contains(kind) }

  /// Classes of the label-mixing tasks.
  package static let mixingClasses = 10

  package var kind: Kind
  /// Image side in pixels for the image tasks (16 or 32 in the paper).
  package var imageSize: Int
  /// Latent dimension per side for `.gaussian`, and the dimension of X for `.labels`.
  package var latentDimension: Int

  package init(kind: Kind, imageSize: Int = 32, latentDimension: Int? = nil) {
    self.kind = kind
    self.imageSize = imageSize
    self.latentDimension = latentDimension ?? (kind == .labels ? 10 : ([.gaussian, .antiPCA].contains(kind) ? 2 : 4))
  }

  /// Latent (intrinsic) dimension of one side: what a compressor should keep.
  package var intrinsicDimension: Int {
    switch kind {
    case .blobs: 2
    case .correlatedBlobs: 5
    case .rectangles: 4
    case .gaussian: latentDimension
    case .antiPCA: 2
    case .labels, .labelMixing, .noisyQuantized, .clusterCodes: latentDimension
    case .labelMixingSimplex, .linearNetwork: 4
    }
  }

  /// Shape of one observed sample of X: `[1, H, W]` for images, `[D]` for vectors.
  package var sampleShape: [Int] {
    switch kind {
    case .blobs, .correlatedBlobs, .rectangles: [1, imageSize, imageSize]
    case .gaussian, .labels: [latentDimension]
    case .antiPCA: [AntiPCA.dimension]
    case .labelMixing, .noisyQuantized, .clusterCodes: [latentDimension]
    case .labelMixingSimplex: [Self.mixingClasses]
    case .linearNetwork: [LinearNetwork(noise: 1).inputDimension]
    }
  }

  /// The MI the task actually realises for a requested value: exact except for `.labels`, where N = round(e^I) ≥ 1
  /// classes give I = ln N.
  package func realisedMutualInformation(for requested: Double) -> Double {
    kind == .labels ? log(Double(labelClassCount(for: requested))) : requested
  }

  func labelClassCount(for requested: Double) -> Int { max(1, Int((exp(requested)).rounded())) }

  /// One draw of the task at mutual information `mutualInformation` nats.
  /// - Returns: observed x `[n, …sampleShape]`, observed y (same shape; `[n, 1]` class indices for `.labels`),
  ///   the f1 latent parameters of both sides (n × intrinsic dimension; for `.labels` y's latent is the label),
  ///   and the true MI.
  /// - Throws: `DatasetsError.invalidParameter` for MI < 0, n < 1, or sizes < 2.
  package func sample(
    mutualInformation: Double, count n: Int, using rng: inout Xoshiro256
  ) throws -> SyntheticSample {
    try validate(count: n)
    guard mutualInformation >= 0, mutualInformation.isFinite else {
      throw DatasetsError.invalidParameter(
        "mutual information must be a finite value ≥ 0 nats (got \(mutualInformation))")
    }
    switch kind {
    case .labels: return labelSample(mutualInformation: mutualInformation, count: n, using: &rng)
    case .labelMixing, .labelMixingSimplex:
      return try mixingSample(mutualInformation: mutualInformation, count: n, using: &rng)
    case .noisyQuantized: return try quantizedSample(mutualInformation: mutualInformation, count: n, using: &rng)
    case .clusterCodes: return try clusterCodeSample(mutualInformation: mutualInformation, count: n, using: &rng)
    case .linearNetwork:
      let network = try LinearNetwork(noise: 1).withNoise(forMutualInformation: mutualInformation, components: 4)
      let (x, l) = network.sample(count: n, using: &rng)
      return SyntheticSample(
        x: x.tensor, y: l.tensor, xLatent: x, yLatent: l, mutualInformation: mutualInformation,
        linearNetwork: network)
    default: break
    }
    let d = kind == .antiPCA ? 1 : intrinsicDimension
    let (xi, eta) = try CorrelatedGaussian(dx: d, dy: d, mutualInformation: mutualInformation)
      .sample(count: n, using: &rng)
    let (x, xLatent) = observe(xi, using: &rng)
    let (y, yLatent) = observe(eta, using: &rng)
    return SyntheticSample(x: x, y: y, xLatent: xLatent, yLatent: yLatent, mutualInformation: mutualInformation)
  }

  /// n samples of X alone from independent uniform latents (to train a compressor that does not depend on the MI,
  /// as the paper does).
  package func independentSample(count n: Int, using rng: inout Xoshiro256) throws -> Tensor {
    try validate(count: n)
    switch kind {
    case .labels: return Tensor.uniform([n, latentDimension], using: &rng)
    case .labelMixing, .labelMixingSimplex: return mixingObservation(count: n, using: &rng).observed.tensor
    case .noisyQuantized:
      return try quantizedSample(mutualInformation: 0, count: n, using: &rng).x
    case .clusterCodes: return try clusterCodeSample(mutualInformation: 0, count: n, using: &rng).x
    case .linearNetwork: return LinearNetwork(noise: 1).sample(count: n, using: &rng).x.tensor
    default: break
    }
    let d = kind == .antiPCA ? 1 : intrinsicDimension
    let xi = Matrix(rows: n, columns: d, scalars: (0..<(n * d)).map { _ in rng.nextGaussian() })
    return observe(xi, using: &rng).observed
  }

  private func validate(count n: Int) throws {
    guard n >= 1 else { throw DatasetsError.invalidParameter("sample count must be ≥ 1 (got \(n))") }
    if [.blobs, .correlatedBlobs, .rectangles].contains(kind), imageSize < 2 {
      throw DatasetsError.invalidParameter("image size must be ≥ 2 pixels (got \(imageSize))")
    }
    if [.gaussian, .labels, .noisyQuantized].contains(kind), latentDimension < 1 {
      throw DatasetsError.invalidParameter("latent dimension must be ≥ 1 (got \(latentDimension))")
    }
    if kind == .clusterCodes, !(2...8).contains(latentDimension) {
      throw DatasetsError.invalidParameter("cluster-codes live in 2…8 dimensions (got \(latentDimension))")
    }
    if kind == .labelMixing, !(1...8).contains(latentDimension) {
      throw DatasetsError.invalidParameter("label-mixing clusters live in 1…8 dimensions (got \(latentDimension))")
    }
  }

  /// f2∘f1 applied to Gaussian latents (n × d): the observed tensor and the f1 parameters.
  private func observe(_ latent: Matrix, using rng: inout Xoshiro256) -> (observed: Tensor, parameters: Matrix) {
    let n = latent.rows
    let size = imageSize
    switch kind {
    case .gaussian:
      return (latent.tensor, latent)
    case .antiPCA:
      var params = Matrix.zeros(n, 2)
      var out = [Float](repeating: 0, count: n * AntiPCA.dimension)
      for i in 0..<n {
        let x = 2 * LatentMaps.normalCDF(latent[i, 0]) - 1
        let z = 2 * rng.nextUniform() - 1
        params[i, 0] = x
        params[i, 1] = z
        let e = AntiPCA.embed(x, z)
        for j in 0..<AntiPCA.dimension { out[i * AntiPCA.dimension + j] = Float(e[j]) }
      }
      return (Tensor(shape: [n, AntiPCA.dimension], scalars: out), params)
    case .blobs, .correlatedBlobs, .rectangles:
      let d = latent.columns
      let params = Matrix(rows: n, columns: d, scalars: latent.scalars.map(LatentMaps.normalCDF))
      var pixels = [Float]()
      pixels.reserveCapacity(n * size * size)
      for i in 0..<n {
        let u = params.row(i)
        switch kind {
        case .blobs:
          pixels += ImageRasterizer.blob(u[0], u[1], width: size, height: size)
        case .correlatedBlobs:
          pixels += ImageRasterizer.correlatedBlob((u[0], u[1], u[2], u[3], u[4]), width: size, height: size)
        default:
          let r = LatentMaps.rectangle((u[0], u[1], u[2], u[3]), width: size, height: size)
          pixels += ImageRasterizer.rectangle(x0: r.x0, x1: r.x1, y0: r.y0, y1: r.y1, width: size, height: size)
        }
      }
      return (Tensor(shape: [n, 1, size, size], scalars: pixels), params)
    case .labels, .labelMixing, .labelMixingSimplex, .noisyQuantized, .linearNetwork, .clusterCodes:
      preconditionFailure("\(kind.rawValue) is sampled by its own function")
    }
  }

  /// The lattice centre (25 apart) of class c in d dimensions, the cluster geometry of `labelMixing`.
  private static func clusterCentre(_ c: Int, dimension d: Int) -> [Double] {
    var base = 2
    while Int(pow(Double(base), Double(d))) < mixingClasses { base += 1 }
    var code = c
    return (0..<d).map { _ in
      defer { code /= base }
      return 25 * Double(code % base)
    }
  }

  private func clusterCodeSample(mutualInformation: Double, count n: Int, using rng: inout Xoshiro256) throws
    -> SyntheticSample
  {
    let channel = try LabelChannel.with(classes: Self.mixingClasses, mutualInformation: mutualInformation)
    let d = latentDimension
    var xs = [Double](repeating: 0, count: n * d), ls = [Double](repeating: 0, count: n * d)
    for i in 0..<n {
      for j in 0..<d { xs[i * d + j] = rng.nextGaussian() }
      let decile = min(Self.mixingClasses - 1, Int(LatentMaps.normalCDF(xs[i * d]) * Double(Self.mixingClasses)))
      let centre = Self.clusterCentre(channel.transmit(decile, using: &rng), dimension: d)
      for j in 0..<d { ls[i * d + j] = centre[j] + rng.nextGaussian() }
    }
    let x = Matrix(rows: n, columns: d, scalars: xs), l = Matrix(rows: n, columns: d, scalars: ls)
    return SyntheticSample(
      x: x.tensor, y: l.tensor, xLatent: x, yLatent: l, mutualInformation: channel.mutualInformation)
  }

  /// Classes C uniform on 10 and the observed L: cluster points (centres on a lattice 25 apart, unit spread) or the
  /// softmax code of the simplex variant.
  private func mixingObservation(count n: Int, using rng: inout Xoshiro256) -> (observed: Matrix, classes: [Int]) {
    let k = Self.mixingClasses
    let classes = (0..<n).map { _ in rng.nextInt(below: k) }
    if kind == .labelMixingSimplex {
      var out = Matrix.zeros(n, k)
      for i in 0..<n {
        let logits = (0..<k).map { (j: Int) -> Double in (j == classes[i] ? 8.0 : 0) + rng.nextGaussian() }
        let top = logits.max()!
        let e = logits.map { exp($0 - top) }
        let sum = e.reduce(0, +)
        for j in 0..<k { out[flat: i * k + j] = e[j] / sum }
      }
      return (out, classes)
    }
    let d = latentDimension
    var out = Matrix.zeros(n, d)
    for i in 0..<n {
      let centre = Self.clusterCentre(classes[i], dimension: d)
      for j in 0..<d { out[flat: i * d + j] = centre[j] + rng.nextGaussian() }
    }
    return (out, classes)
  }

  private func mixingSample(mutualInformation: Double, count n: Int, using rng: inout Xoshiro256) throws
    -> SyntheticSample
  {
    let channel = try LabelChannel.with(classes: Self.mixingClasses, mutualInformation: mutualInformation)
    let (x, classes) = mixingObservation(count: n, using: &rng)
    let labels = classes.map { Float(channel.transmit($0, using: &rng)) }
    let y = Tensor(shape: [n, 1], scalars: labels)
    return SyntheticSample(
      x: x.tensor, y: y, xLatent: x, yLatent: Matrix(y),
      mutualInformation: channel.mutualInformation)
  }

  private func quantizedSample(mutualInformation: Double, count n: Int, using rng: inout Xoshiro256) throws
    -> SyntheticSample
  {
    let d = latentDimension
    // MI 0: L from an independent copy of X (σ = 1), so the truth is exactly 0.
    let quantizer =
      mutualInformation == 0
      ? NoisyQuantizer(noise: 1)
      : try NoisyQuantizer(noise: 1).withNoise(forMutualInformationPerUnit: mutualInformation / Double(d))
    var x = Matrix.zeros(n, d), l = Matrix.zeros(n, d)
    for i in 0..<(n * d) {
      x[flat: i] = rng.nextGaussian()
      let source = mutualInformation == 0 ? rng.nextGaussian() : x.scalars[i]
      l[flat: i] = quantizer.quantize(source) + quantizer.noise * rng.nextGaussian()
    }
    let truth = mutualInformation == 0 ? 0 : Double(d) * quantizer.mutualInformationPerUnit
    return SyntheticSample(x: x.tensor, y: l.tensor, xLatent: x, yLatent: l, mutualInformation: truth)
  }

  private func labelSample(mutualInformation: Double, count n: Int, using rng: inout Xoshiro256) -> SyntheticSample {
    let classes = labelClassCount(for: mutualInformation)
    let x = Tensor.uniform([n, latentDimension], using: &rng)
    var labels = [Float](repeating: 0, count: n)
    for i in 0..<n {
      labels[i] = Float(min(classes - 1, Int(Double(x.scalars[i * latentDimension]) * Double(classes))))
    }
    let y = Tensor(shape: [n, 1], scalars: labels)
    return SyntheticSample(
      x: x, y: y, xLatent: Matrix(x), yLatent: Matrix(y), mutualInformation: log(Double(classes)))
  }
}

/// One draw of a synthetic task: observed pairs, their f1 parameters, and the true MI in nats.
package struct SyntheticSample: Sendable {
  /// Observed X: `[n, 1, H, W]` images or `[n, D]` vectors.
  package var x: Tensor
  /// Observed Y, same layout as x (or `[n, 1]` class indices for the label task).
  package var y: Tensor
  /// f1 parameters of X (n × intrinsic dimension): the "uncompressed latents" curve of the paper.
  package var xLatent: Matrix
  package var yLatent: Matrix
  /// The true I(X;Y) in nats (for `.linearNetwork`, with the population principal axes; the validation recomputes it
  /// with the axes it fits, `linearNetwork`).
  package var mutualInformation: Double
  /// The network of a `.linearNetwork` sample.
  package var linearNetwork: LinearNetwork?

  package init(
    x: Tensor, y: Tensor, xLatent: Matrix, yLatent: Matrix, mutualInformation: Double,
    linearNetwork: LinearNetwork? = nil
  ) {
    self.x = x
    self.y = y
    self.xLatent = xLatent
    self.yLatent = yLatent
    self.mutualInformation = mutualInformation
    self.linearNetwork = linearNetwork
  }
}

/// The anti-PCA embedding of docs/method.md §7.4: informative x and nuisance z in [−1, 1] mapped into R³².
package enum AntiPCA {
  package static let dimension = 32

  /// a_j = x + j·z, e_j = max(a_j, 0.1·j·a_j) for j = 0..31, then e₀ = x and e₁ = z (so the map is injective).
  package static func embed(_ x: Double, _ z: Double) -> [Double] {
    var e = (0..<dimension).map { j -> Double in
      let a = x + Double(j) * z
      return max(a, 0.1 * Double(j) * a)
    }
    e[0] = x
    e[1] = z
    return e
  }
}
