extension Tensor {
  /// Applies `transform` to every element.
  package func map(_ transform: (Float) -> Float) -> Tensor {
    Tensor(shape: shape, scalars: scalars.map(transform))
  }

  /// Combines corresponding elements of two tensors of the same shape.
  package func zipMap(_ other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
    precondition(shape == other.shape, "zipMap needs equal shapes, got \(shape) and \(other.shape)")
    var out = [Float](repeating: 0, count: count)
    scalars.withUnsafeBufferPointer { a in
      other.scalars.withUnsafeBufferPointer { b in
        for i in 0..<a.count { out[i] = combine(a[i], b[i]) }
      }
    }
    return Tensor(shape: shape, scalars: out)
  }

  package static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, +) }
  package static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, -) }
  package static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, *) }
  package static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, /) }
  package static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }
  package static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 - rhs } }
  package static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
  package static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
  package static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 / rhs } }
  package static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

  /// In-place `self += alpha * other` (same shape).
  package mutating func addScaled(_ other: Tensor, by alpha: Float = 1) {
    precondition(shape == other.shape, "addScaled needs equal shapes, got \(shape) and \(other.shape)")
    withUnsafeMutableScalars { a in
      other.scalars.withUnsafeBufferPointer { b in
        for i in 0..<a.count { a[i] += alpha * b[i] }
      }
    }
  }
}

extension Tensor {
  /// Sum of all elements, accumulated in Double.
  package func sum() -> Float {
    var total = 0.0
    for v in scalars { total += Double(v) }
    return Float(total)
  }

  /// Mean of all elements (0 for an empty tensor).
  package func mean() -> Float { count == 0 ? 0 : Float(Double(sum()) / Double(count)) }

  /// Largest element (nil when empty).
  package func max() -> Float? { scalars.max() }

  /// Smallest element (nil when empty).
  package func min() -> Float? { scalars.min() }

  /// Sums over `axis`, removing it from the shape.
  package func sum(alongAxis axis: Int) -> Tensor {
    precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for shape \(shape)")
    let outer = shape[..<axis].reduce(1, *)
    let extent = shape[axis]
    let inner = shape[(axis + 1)...].reduce(1, *)
    var out = [Float](repeating: 0, count: outer * inner)
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { y in
        for o in 0..<outer {
          for a in 0..<extent {
            let base = (o &* extent &+ a) &* inner
            for i in 0..<inner { y[o &* inner &+ i] += x[base &+ i] }
          }
        }
      }
    }
    var newShape = shape
    newShape.remove(at: axis)
    return Tensor(shape: newShape, scalars: out)
  }

  /// Index of the largest element of each row of an `[N, D]` tensor.
  package func argmaxRows() -> [Int] {
    precondition(rank == 2, "argmaxRows needs a rank-2 tensor, got shape \(shape)")
    let (n, d) = (shape[0], shape[1])
    return (0..<n).map { r in
      var best = 0
      for c in 1..<Swift.max(d, 1) where scalars[r * d + c] > scalars[r * d + best] { best = c }
      return best
    }
  }
}
