@_spi(Benchmarks) import NeuralNetwork
@_spi(Benchmarks) import Tensor

/// The critic T(x, y) of a neural MI bound, separable into one feature tower per side and a head on the paired
/// features: T(x, y) = head([f(x), g(y)]).
///
/// - A vector side (`[d]` per sample) has no tower: its standardised values are its features.
/// - An image side (`[C, H, W]` per sample) has the paper's conv tower (Butakov et al. 2024, after
///   Belghazi et al. 2018): L = max(1, ⌊log₂ min(H, W)⌋ − 2) blocks of Conv 3×3 ('same', C → 8, then 8 → 8) →
///   MaxPool 2 → LeakyReLU, flattened: 8 × 4 × 4 = 128 features for 16×16 and 32×32 images.
/// - The head is (features of x + features of y) → hidden → hidden → 1 with LeakyReLU 0.01: 400 wide for two
///   vectors (the paper's latent critic), 100 when either side is an image (its image critic).
///
/// Because the towers see each sample once, a batch of B samples costs B tower passes per side however many pairs
/// the bound scores (2B for MINE and NWJ, B² for InfoNCE).
struct Critic {
  let towerX: Sequential?, towerY: Sequential?
  let head: Sequential

  /// Channels of every conv block of an image tower.
  static let towerChannels = 8

  /// The default head width for these sample shapes: 400 for two vectors, 100 with an image.
  static func defaultWidth(xShape: [Int], yShape: [Int]) -> Int {
    xShape.count == 3 || yShape.count == 3 ? 100 : 400
  }

  /// Conv blocks of an image tower for `h × w` images: ⌊log₂ min(h, w)⌋ − 2, at least 1.
  static func towerDepth(height h: Int, width w: Int) -> Int {
    max(1, Int.bitWidth - 1 - min(h, w).leadingZeroBitCount - 2)
  }

  /// A freshly initialised critic for samples of X and Y of shapes `xShape` and `yShape` (`[d]` or `[C, H, W]`),
  /// with PyTorch's default initialisation from `rng`.
  init(xShape: [Int], yShape: [Int], width: Int, using rng: inout Xoshiro256) {
    func tower(_ shape: [Int]) -> (Sequential?, Int) {
      guard shape.count == 3 else { return (nil, shape.reduce(1, *)) }
      var (channels, h, w) = (shape[0], shape[1], shape[2])
      var layers: [any Layer] = []
      for _ in 0..<Self.towerDepth(height: h, width: w) {
        layers.append(Conv2d(channels, Self.towerChannels, kernelSize: 3, padding: .same, using: &rng))
        layers.append(MaxPool2d(2))
        layers.append(Activation.leakyReLU())
        (channels, h, w) = (Self.towerChannels, h / 2, w / 2)
      }
      layers.append(Flatten())
      return (Sequential(layers), channels * h * w)
    }
    let (tx, fx) = tower(xShape)
    let (ty, fy) = tower(yShape)
    (towerX, towerY) = (tx, ty)
    head = Sequential([
      Linear(fx + fy, width, using: &rng), Activation.leakyReLU(), Linear(width, width, using: &rng),
      Activation.leakyReLU(), Linear(width, 1, using: &rng),
    ])
  }

  /// Every learned tensor, named by part ("x.", "y.", "head.").
  var namedParameters: [(name: String, parameter: Parameter)] {
    (towerX?.namedParameters.map { ("x." + $0.name, $0.parameter) } ?? [])
      + (towerY?.namedParameters.map { ("y." + $0.name, $0.parameter) } ?? [])
      + head.namedParameters.map { ("head." + $0.name, $0.parameter) }
  }

  /// The learned scalars.
  var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.parameter.value.count } }

  /// Features of a batch of one side, `[B, …shape]` → `[B, F]`, recorded on the context's tape when it has one.
  func features(_ batch: Tensor, tower: Sequential?, context: inout ForwardContext) -> Variable {
    guard let tower else { return Variable(batch) }
    return tower.forward(Variable(batch), context: &context)
  }

  /// Scores T(x_i, y_j) of `pairs` (indices into the batches `x` `[Bx, …xShape]` and `y` `[By, …yShape]`):
  /// `[pairs.count, 1]`.
  func scores(x: Tensor, y: Tensor, pairs: [(Int, Int)], context: inout ForwardContext) -> Variable {
    let fx = features(x, tower: towerX, context: &context)
    let fy = features(y, tower: towerY, context: &context)
    return head.forward(Variable.pairedRows(fx, fy, pairs: pairs), context: &context)
  }
}
