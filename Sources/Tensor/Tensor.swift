/// An n-dimensional array of Float32 in row-major (C) order: a shape plus a flat buffer.
///
/// Value semantics through Array's copy-on-write. Network activations use `[N, C, H, W]` or `[N, D]` shapes.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
  /// Extent of each axis; the product equals `scalars.count`.
  public private(set) var shape: [Int]
  /// The elements, row-major. Read-only from outside: write through `withMutableScalars(_:)`, which keeps the
  /// count equal to the shape's product.
  public private(set) var scalars: [Float]

  /// A tensor over `scalars` with `shape`; the element count must match.
  public init(shape: [Int], scalars: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent")
    precondition(
      shape.reduce(1, *) == scalars.count,
      "Tensor shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
    self.shape = shape
    self.scalars = scalars
  }

  /// A tensor of `shape` filled with `value`.
  public init(repeating value: Float, shape: [Int]) {
    self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
  }

  /// A tensor of zeros.
  public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

  /// Uniform samples in `[low, high)` drawn from `rng`.
  package static func uniform(
    _ shape: [Int], low: Float = 0, high: Float = 1, using rng: inout Xoshiro256
  ) -> Tensor {
    let count = shape.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count { values[i] = low + (high - low) * rng.nextUniformFloat() }
    return Tensor(shape: shape, scalars: values)
  }

  /// Normal samples with `mean` and standard deviation `std` drawn from `rng`.
  @_spi(Benchmarks) public static func normal(
    _ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout Xoshiro256
  ) -> Tensor {
    let count = shape.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count { values[i] = mean + std * Float(rng.nextGaussian()) }
    return Tensor(shape: shape, scalars: values)
  }

  /// Runs `body` with the elements (row-major) to change in place, without copying them; `body` must not change
  /// their count (a precondition: the shape stays valid).
  public mutating func withMutableScalars<R>(_ body: (inout [Float]) throws -> R) rethrows -> R {
    let count = scalars.count
    defer { precondition(scalars.count == count, "withMutableScalars changed the element count of a \(shape) tensor") }
    return try body(&scalars)
  }

  /// The element at flat (row-major) position `index`, 0-based.
  /// The elements, taking them out of this tensor: when nothing else shares them, no copy is made (large arrays
  /// can then be modified in place).
  package consuming func intoScalars() -> [Float] { scalars }

  package subscript(flat index: Int) -> Float {
    get { scalars[index] }
    set { scalars[index] = newValue }
  }

  /// Runs `body` with a mutable pointer to the elements (row-major, `count` of them) for hot loops.
  package mutating func withUnsafeMutableScalars<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R)
    rethrows -> R
  {
    try scalars.withUnsafeMutableBufferPointer(body)
  }

  /// The samples (first-axis slices) at `indices`, in that order: `[indices.count, …shape.dropFirst()]`; the
  /// tensor counterpart of `Matrix.selectingRows`.
  package func selectingRows(_ indices: [Int]) -> Tensor {
    let size = shape.dropFirst().reduce(1, *)
    let data = [Float](unsafeUninitializedCapacity: indices.count * size) { out, initialized in
      scalars.withUnsafeBufferPointer { source in
        guard let src = source.baseAddress, let dst = out.baseAddress else { return }
        for (row, i) in indices.enumerated() {
          precondition(i >= 0 && i < (shape.first ?? 0), "selectingRows: row \(i) of a \(shape) tensor")
          (dst + row &* size).initialize(from: src + i &* size, count: size)
        }
      }
      initialized = indices.count * size
    }
    return Tensor(shape: [indices.count] + shape.dropFirst(), scalars: data)
  }

  /// Number of axes.
  public var rank: Int { shape.count }
  /// Number of elements.
  public var count: Int { scalars.count }

  /// The same elements viewed with another shape of equal element count (`-1` infers one axis).
  public func reshaped(_ newShape: [Int]) -> Tensor {
    var resolved = newShape
    if let inferred = newShape.firstIndex(of: -1) {
      let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
      precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
      resolved[inferred] = count / known
    }
    return Tensor(shape: resolved, scalars: scalars)
  }

  /// Element at a multi-index (bounds-checked; for tests and small code, not hot loops).
  public subscript(_ index: Int...) -> Float {
    get { scalars[flatIndex(index)] }
    set { scalars[flatIndex(index)] = newValue }
  }

  private func flatIndex(_ index: [Int]) -> Int {
    precondition(index.count == shape.count, "index \(index) does not match rank \(shape.count)")
    var flat = 0
    for (i, extent) in zip(index, shape) {
      precondition(i >= 0 && i < extent, "index \(index) out of bounds for shape \(shape)")
      flat = flat * extent + i
    }
    return flat
  }

  /// `Tensor(shape: [...], [first 8 elements, …])`, for debugging.
  public var description: String {
    let preview = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
    return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
  }
}
