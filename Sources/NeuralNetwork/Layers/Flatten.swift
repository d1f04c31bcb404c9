/// `[N, …]` → `[N, D]`.
package struct Flatten: Layer, Sendable {
  package init() {}
  package var name: String { "Flatten" }
  package func outputShape(for inputShape: [Int]) throws -> [Int] { [inputShape.reduce(1, *)] }
  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable { x.flattened() }
}
