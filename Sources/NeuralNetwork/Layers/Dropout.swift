/// Inverted dropout with probability `p`; active only in training mode.
package struct Dropout: Layer, Sendable {
  package let probability: Float

  package init(_ probability: Float) {
    precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
    self.probability = probability
  }

  package var name: String { "Dropout(\(probability))" }
  package func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    let seed = context.nextSeed()  // drawn in both modes so seeds of later layers do not depend on the mode
    return context.isTraining ? x.dropout(probability: probability, seed: seed) : x
  }
}
