import Tensor

/// Layers applied in order, with named probes on chosen layer outputs (the information plane records them).
///
/// Parameters are named `"<index>.<name>"` as in PyTorch's `nn.Sequential` (`"2.weight"`).
@_spi(Benchmarks) public struct Sequential: Layer {
  package var layers: [any Layer]
  /// Probe name → index of the layer whose output it returns.
  package var probes: [String: Int]
  /// Probe names in the order they were declared (layer order).
  package var probeNames: [String] { probes.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key) }

  package init(_ layers: [any Layer], probes: [String: Int] = [:]) {
    precondition(probes.values.allSatisfy { layers.indices.contains($0) }, "probe indices must name layers")
    self.layers = layers
    self.probes = probes
  }

  /// Layers listed in order with probes named where they are declared, so no probe is a hand-counted index:
  /// `Sequential { $0.append(conv, pool); $0.probe("layer1"); … }`.
  package init(_ build: (inout Builder) -> Void) {
    var builder = Builder()
    build(&builder)
    self.init(builder.layers, probes: builder.probes)
  }

  /// Collects layers and named probes for `init(_:)`.
  package struct Builder {
    package private(set) var layers: [any Layer] = []
    package private(set) var probes: [String: Int] = [:]

    /// Appends `layers` in order.
    package mutating func append(_ newLayers: any Layer...) { layers += newLayers }

    /// Names the output of the last appended layer `name` (each name once, after at least one layer).
    package mutating func probe(_ name: String) {
      precondition(!layers.isEmpty, "probe '\(name)' needs a layer before it")
      precondition(probes[name] == nil, "probe '\(name)' is declared twice")
      probes[name] = layers.count - 1
    }
  }

  package var name: String { "Sequential(\(layers.count) layers)" }

  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    try layers.reduce(inputShape) { shape, layer in try layer.outputShape(for: shape) }
  }

  /// Per-sample shapes of every probe for a per-sample input shape.
  package func probeShapes(for inputShape: [Int]) throws -> [String: [Int]] {
    var shape = inputShape
    var shapes: [Int: [Int]] = [:]
    for (i, layer) in layers.enumerated() {
      shape = try layer.outputShape(for: shape)
      shapes[i] = shape
    }
    return probes.mapValues { shapes[$0] ?? [] }
  }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    var (y, i) = (x, 0)
    while i < layers.count { (y, i) = step(i, y, context: &context, fusing: true) }
    return y
  }

  /// Applies layer `i` to `y`, or layers `i` and `i + 1` at once when `fusing` and they are
  /// - a `Dropout` followed by relative `GaussianNoise` in training (one fused multiplication, the same seeds drawn in
  ///   the same order as the two layers would draw them), or
  /// - a `Conv2d` followed by `MaxPool2d(2)` with stride 2 (the convolution's output pooled while in cache).
  /// Returns the output and the index of the next layer.
  private func step(_ i: Int, _ y: Variable, context: inout ForwardContext, fusing: Bool) -> (Variable, Int) {
    if fusing, i + 1 < layers.count, let convolution = layers[i] as? Conv2d, convolution.stride == 1,
      let pool = layers[i + 1] as? MaxPool2d, pool.size == 2, pool.stride == 2
    {
      return (convolution.forwardMaxPooled(y, context: &context), i + 2)
    }
    if fusing, context.isTraining, i + 1 < layers.count, let dropout = layers[i] as? Dropout,
      dropout.probability > 0, let noise = layers[i + 1] as? GaussianNoise, case .relative = noise.noise
    {
      let dropoutSeed = context.nextSeed()
      let noiseSeed = context.nextSeed()
      return (y.addingNoise(noise.noise, seed: noiseSeed, dropout: (dropout.probability, dropoutSeed)), i + 2)
    }
    return (layers[i].forward(y, context: &context), i + 1)
  }

  /// The forward pass that also returns the outputs of the probes in `names` (all probes when nil).
  package func forward(
    _ x: Variable, context: inout ForwardContext, probing names: Set<String>?
  ) -> (output: Variable, probes: [String: Variable]) {
    var wanted: [Int: [String]] = [:]
    for (name, index) in probes where names?.contains(name) ?? true { wanted[index, default: []].append(name) }
    var (y, i) = (x, 0)
    var outputs: [String: Variable] = [:]
    while i < layers.count {
      (y, i) = step(i, y, context: &context, fusing: wanted[i] == nil)  // a probed dropout output stays separate
      for name in wanted[i - 1] ?? [] { outputs[name] = y }
    }
    return (y, outputs)
  }

  /// Every learned parameter, named `<layer index>.<name>` with a 0-based index (e.g. `0.weight`).
  @_spi(Benchmarks) public var namedParameters: [(name: String, parameter: Parameter)] {
    layers.enumerated().flatMap { i, layer in layer.namedParameters.map { ("\(i).\($0.name)", $0.parameter) } }
  }

  package var namedBuffers: [(name: String, parameter: Parameter)] {
    layers.enumerated().flatMap { i, layer in layer.namedBuffers.map { ("\(i).\($0.name)", $0.parameter) } }
  }

  /// The number of learned scalars.
  @_spi(Benchmarks) public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.parameter.value.count } }
}
