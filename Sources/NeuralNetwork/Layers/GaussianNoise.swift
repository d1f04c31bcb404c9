/// Gaussian noise injection (docs/method.md §5): additive with absolute σ, or relative x·(1 + σε).
/// Active in training mode and, when `activeAtInference`, in evaluation mode too (the paper's classifier).
package struct GaussianNoise: Layer, Sendable {
  package let noise: Noise
  package let activeAtInference: Bool

  package init(_ noise: Noise, activeAtInference: Bool = false) {
    precondition(noise.sigma >= 0 && noise.sigma.isFinite, "GaussianNoise needs a finite σ ≥ 0, got \(noise.sigma)")
    self.noise = noise
    self.activeAtInference = activeAtInference
  }

  package var name: String { "GaussianNoise(\(noise))" }
  package func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    let seed = context.nextSeed()
    return context.isTraining || activeAtInference ? x.addingNoise(noise, seed: seed) : x
  }
}
