/// An elementwise (or row-wise) nonlinearity with no parameters.
package struct Activation: Layer, Sendable {
  package enum Kind: Sendable, Equatable, Codable {
    case relu
    /// x for x > 0, slope·x otherwise (the paper uses slope 0.01).
    case leakyReLU(slope: Float)
    case tanh
    case sigmoid
    /// Log-softmax over the features of `[N, D]`.
    case logSoftmax
  }

  package let kind: Kind

  package init(_ kind: Kind) { self.kind = kind }

  package static let relu = Activation(.relu)
  package static let tanh = Activation(.tanh)
  package static let sigmoid = Activation(.sigmoid)
  package static let logSoftmax = Activation(.logSoftmax)
  package static func leakyReLU(slope: Float = 0.01) -> Activation { Activation(.leakyReLU(slope: slope)) }

  package var name: String { "\(kind)" }

  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    if kind == .logSoftmax, inputShape.count != 1 {
      throw NeuralNetworkError.inputShape(layer: "LogSoftmax", expected: "[D]", found: inputShape)
    }
    return inputShape
  }

  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    switch kind {
    case .relu: x.relu()
    case let .leakyReLU(slope): x.leakyReLU(slope: slope)
    case .tanh: x.tanh()
    case .sigmoid: x.sigmoid()
    case .logSoftmax: x.logSoftmax()
    }
  }
}

/// `[N, …]` → `[N, D]`.
package struct Flatten: Layer, Sendable {
  package init() {}
  package var name: String { "Flatten" }
  package func outputShape(for inputShape: [Int]) throws -> [Int] { [inputShape.reduce(1, *)] }
  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable { x.flattened() }
}

/// `[N, …]` → `[N, shape…]` with the same number of elements per sample.
package struct Reshape: Layer, Sendable {
  package let shape: [Int]
  package init(_ shape: [Int]) { self.shape = shape }
  package var name: String { "Reshape(\(shape))" }
  package func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.reduce(1, *) == shape.reduce(1, *) else {
      throw NeuralNetworkError.inputShape(layer: name, expected: "\(shape.reduce(1, *)) elements", found: inputShape)
    }
    return shape
  }
  package func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    x.reshaped([x.shape[0]] + shape)
  }
}
