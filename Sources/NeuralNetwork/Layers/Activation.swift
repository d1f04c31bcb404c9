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
