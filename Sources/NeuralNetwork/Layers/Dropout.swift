/// Inverted dropout with probability `p`; active only in training mode.
public struct Dropout: Layer, Sendable {
  public let probability: Float

  public init(_ probability: Float) {
    precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
    self.probability = probability
  }

  public var name: String { "Dropout(\(probability))" }
  public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

  public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    let seed = context.nextSeed()  // drawn in both modes so seeds of later layers do not depend on the mode
    return context.isTraining ? x.dropout(probability: probability, seed: seed) : x
  }
}

/// Gaussian noise injection (METHOD.md §5): additive with absolute σ, or relative x·(1 + σε).
/// Active in training mode and, when `activeAtInference`, in evaluation mode too (the paper's classifier).
public struct GaussianNoise: Layer, Sendable {
  public let noise: Noise
  public let activeAtInference: Bool

  public init(_ noise: Noise, activeAtInference: Bool = false) {
    precondition(noise.sigma >= 0 && noise.sigma.isFinite, "GaussianNoise needs a finite σ ≥ 0, got \(noise.sigma)")
    self.noise = noise
    self.activeAtInference = activeAtInference
  }

  public var name: String { "GaussianNoise(\(noise))" }
  public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

  public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    let seed = context.nextSeed()
    return context.isTraining || activeAtInference ? x.addingNoise(noise, seed: seed) : x
  }
}
