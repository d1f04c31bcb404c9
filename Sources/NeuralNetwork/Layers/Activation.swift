/// An elementwise (or row-wise) nonlinearity with no parameters.
public struct Activation: Layer, Sendable {
  public enum Kind: Sendable, Equatable, Codable {
    case relu
    /// x for x > 0, slope·x otherwise (the paper uses slope 0.01).
    case leakyReLU(slope: Float)
    case tanh
    case sigmoid
    /// Log-softmax over the features of `[N, D]`.
    case logSoftmax
  }

  public let kind: Kind

  public init(_ kind: Kind) { self.kind = kind }

  public static let relu = Activation(.relu)
  public static let tanh = Activation(.tanh)
  public static let sigmoid = Activation(.sigmoid)
  public static let logSoftmax = Activation(.logSoftmax)
  public static func leakyReLU(slope: Float = 0.01) -> Activation { Activation(.leakyReLU(slope: slope)) }

  public var name: String { "\(kind)" }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    if kind == .logSoftmax, inputShape.count != 1 {
      throw NeuralNetworkError.inputShape(layer: "LogSoftmax", expected: "[D]", found: inputShape)
    }
    return inputShape
  }

  public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
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
public struct Flatten: Layer, Sendable {
  public init() {}
  public var name: String { "Flatten" }
  public func outputShape(for inputShape: [Int]) throws -> [Int] { [inputShape.reduce(1, *)] }
  public func forward(_ x: Variable, context: inout ForwardContext) -> Variable { x.flattened() }
}

/// `[N, …]` → `[N, shape…]` with the same number of elements per sample.
public struct Reshape: Layer, Sendable {
  public let shape: [Int]
  public init(_ shape: [Int]) { self.shape = shape }
  public var name: String { "Reshape(\(shape))" }
  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.reduce(1, *) == shape.reduce(1, *) else {
      throw NeuralNetworkError.inputShape(layer: name, expected: "\(shape.reduce(1, *)) elements", found: inputShape)
    }
    return shape
  }
  public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
    x.reshaped([x.shape[0]] + shape)
  }
}
