import Tensor

extension NPYArray {
  /// The elements as a Float32 tensor of the same shape (bool becomes 0 or 1; float64 and int64 round to nearest).
  package func tensor() -> Tensor {
    let values: [Float] =
      switch storage {
      case let .float32(v): v
      case let .float64(v): v.map(Float.init)
      case let .int8(v): v.map(Float.init)
      case let .int16(v): v.map(Float.init)
      case let .int32(v): v.map(Float.init)
      case let .int64(v): v.map(Float.init)
      case let .uint8(v): v.map(Float.init)
      case let .bool(v): v.map { $0 ? 1 : 0 }
      }
    return Tensor(shape: shape, scalars: values)
  }

  /// The elements as a Float64 matrix of samples in rows: `[n]` becomes n×1, `[n, d]` stays n×d, and
  /// `[n, d1, d2, …]` becomes n×(d1·d2·…) (each sample flattened); a scalar becomes 1×1.
  public func matrix() -> Matrix {
    let rows = shape.first ?? 1
    let columns = shape.dropFirst().reduce(1, *)
    return Matrix(rows: rows, columns: columns, scalars: doubles())
  }

  /// The elements as class labels: a `[n]` or `[n, 1]` array of integers (any integer dtype, or floats holding
  /// whole numbers) that fit in Int32.
  /// - Throws: `DatasetsError.conversion` naming the shape, or the first (0-based) element that is not a label.
  public func labels() throws -> [Int32] {
    guard rank == 1 || (rank == 2 && shape[1] == 1) else {
      throw DatasetsError.conversion(
        reason: "labels need shape [n] or [n, 1], got \(shape); pass a 1-D array of class indices")
    }
    func checked<T: BinaryInteger>(_ values: [T]) throws -> [Int32] {
      var out = [Int32]()
      out.reserveCapacity(values.count)
      for (i, v) in values.enumerated() {
        guard let label = Int32(exactly: v) else {
          throw DatasetsError.conversion(reason: "the label in row \(i) (0-based) is \(v), outside the Int32 range")
        }
        out.append(label)
      }
      return out
    }
    func whole<T: BinaryFloatingPoint>(_ values: [T]) throws -> [Int32] {
      var out = [Int32]()
      out.reserveCapacity(values.count)
      for (i, v) in values.enumerated() {
        guard let label = Int32(exactly: v) else {
          throw DatasetsError.conversion(
            reason:
              "the label in row \(i) (0-based) is \(v), not a whole number in the Int32 range; labels must be class indices"
          )
        }
        out.append(label)
      }
      return out
    }
    switch storage {
    case let .int32(v): return v
    case let .int8(v): return try checked(v)
    case let .int16(v): return try checked(v)
    case let .int64(v): return try checked(v)
    case let .uint8(v): return try checked(v)
    case let .float32(v): return try whole(v)
    case let .float64(v): return try whole(v)
    case .bool:
      throw DatasetsError.conversion(reason: "labels cannot be bool; save them as integers (e.g. a.astype('int32'))")
    }
  }

  /// The elements converted to Double (bool becomes 0 or 1).
  package func doubles() -> [Double] {
    switch storage {
    case let .float32(v): v.map(Double.init)
    case let .float64(v): v
    case let .int8(v): v.map(Double.init)
    case let .int16(v): v.map(Double.init)
    case let .int32(v): v.map(Double.init)
    case let .int64(v): v.map(Double.init)
    case let .uint8(v): v.map(Double.init)
    case let .bool(v): v.map { $0 ? 1 : 0 }
    }
  }
}
