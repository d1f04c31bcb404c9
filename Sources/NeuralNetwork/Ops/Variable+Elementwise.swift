import Foundation
import Tensor

extension Variable {
  /// Elementwise sum of two variables of the same shape.
  package static func + (lhs: Variable, rhs: Variable) -> Variable {
    precondition(lhs.shape == rhs.shape, "+ needs equal shapes, got \(lhs.shape) and \(rhs.shape)")
    let y = parallelZip(lhs.value, rhs.value) { a, b, y, r in for i in r { y[i] = a[i] + b[i] } }
    return Tape.record(y, inputs: [lhs, rhs]) { dy in [dy, dy] }
  }

  /// Elementwise difference of two variables of the same shape.
  package static func - (lhs: Variable, rhs: Variable) -> Variable {
    precondition(lhs.shape == rhs.shape, "- needs equal shapes, got \(lhs.shape) and \(rhs.shape)")
    let y = parallelZip(lhs.value, rhs.value) { a, b, y, r in for i in r { y[i] = a[i] - b[i] } }
    let needsRight = rhs.requiresGradient
    return Tape.record(y, inputs: [lhs, rhs]) { dy in
      [dy, needsRight ? parallelMap(dy) { g, y, r in for i in r { y[i] = -g[i] } } : nil]
    }
  }

  /// Elementwise (Hadamard) product of two variables of the same shape.
  package static func * (lhs: Variable, rhs: Variable) -> Variable {
    precondition(lhs.shape == rhs.shape, "* needs equal shapes, got \(lhs.shape) and \(rhs.shape)")
    let (a, b) = (lhs.value, rhs.value)
    let y = parallelZip(a, b) { a, b, y, r in for i in r { y[i] = a[i] * b[i] } }
    let (needsLeft, needsRight) = (lhs.requiresGradient, rhs.requiresGradient)
    return Tape.record(y, inputs: [lhs, rhs]) { dy in
      [
        needsLeft ? parallelZip(dy, b) { g, b, y, r in for i in r { y[i] = g[i] * b[i] } } : nil,
        needsRight ? parallelZip(dy, a) { g, a, y, r in for i in r { y[i] = g[i] * a[i] } } : nil,
      ]
    }
  }

  /// Every element multiplied by a constant.
  package func scaled(by factor: Float) -> Variable {
    let y = parallelMap(value) { x, y, r in for i in r { y[i] = x[i] * factor } }
    return Tape.record(y, inputs: [self]) { dy in [parallelMap(dy) { g, y, r in for i in r { y[i] = g[i] * factor } }] }
  }

  /// Elementwise |x|; the subgradient at 0 is 0.
  package func abs() -> Variable {
    let x = value
    let y = parallelMap(x) { x, y, r in for i in r { y[i] = Swift.abs(x[i]) } }
    return Tape.record(y, inputs: [self]) { dy in
      [parallelZip(dy, x) { g, x, y, r in for i in r { y[i] = x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0) } }]
    }
  }

  /// Elementwise eˣ.
  package func exp() -> Variable {
    let y = parallelMap(value) { x, y, r in for i in r { y[i] = Foundation.exp(x[i]) } }
    return Tape.record(y, inputs: [self]) { dy in
      [parallelZip(dy, y) { g, e, o, r in for i in r { o[i] = g[i] * e[i] } }]
    }
  }

  /// The sum of all elements, as a tensor of shape `[]` (accumulated in Double).
  package func sum() -> Variable {
    let shape = self.shape
    let total = value.scalars.withUnsafeBufferPointer { x in
      var s = 0.0
      for i in 0..<x.count { s += Double(x[i]) }
      return Float(s)
    }
    return Tape.record(Tensor(shape: [], scalars: [total]), inputs: [self]) { dy in
      [Tensor(repeating: dy.scalars[0], shape: shape)]
    }
  }

  /// The mean of all elements, as a tensor of shape `[]`.
  package func mean() -> Variable {
    sum().scaled(by: 1 / Float(Swift.max(1, value.count)))
  }
}
