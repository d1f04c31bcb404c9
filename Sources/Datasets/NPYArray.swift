import Tensor

/// An n-dimensional array as a file stores it: a shape, an element type, and the elements in row-major (C) order.
///
/// Every reader of this module (`.npy`, CSV, IDX, safetensors) returns one, keeping the file's dtype exactly, so a
/// read followed by a write gives the same bytes. Convert with `tensor()` (Float32), `matrix()` (Float64) and
/// `labels()` (`[Int32]`).
public struct NPYArray: Sendable, Equatable, CustomStringConvertible {
  /// Element types, named as NumPy names them.
  public enum DType: String, CaseIterable, Sendable, Codable {
    case float32, float64, int8, int16, int32, int64, uint8, bool

    /// Bytes per element.
    public var byteCount: Int {
      switch self {
      case .int8, .uint8, .bool: 1
      case .int16: 2
      case .float32, .int32: 4
      case .float64, .int64: 8
      }
    }
  }

  /// The elements, typed.
  public enum Storage: Sendable, Equatable {
    case float32([Float])
    case float64([Double])
    case int8([Int8])
    case int16([Int16])
    case int32([Int32])
    case int64([Int64])
    case uint8([UInt8])
    case bool([Bool])

    /// The element type.
    public var dtype: DType {
      switch self {
      case .float32: .float32
      case .float64: .float64
      case .int8: .int8
      case .int16: .int16
      case .int32: .int32
      case .int64: .int64
      case .uint8: .uint8
      case .bool: .bool
      }
    }

    /// Number of elements.
    public var count: Int {
      switch self {
      case let .float32(v): v.count
      case let .float64(v): v.count
      case let .int8(v): v.count
      case let .int16(v): v.count
      case let .int32(v): v.count
      case let .int64(v): v.count
      case let .uint8(v): v.count
      case let .bool(v): v.count
      }
    }
  }

  /// Extent of each axis; `[]` for a scalar. The product equals the element count.
  public let shape: [Int]
  /// The elements, row-major.
  public let storage: Storage

  /// An array of `shape` over `storage`; the element count must equal the product of `shape`.
  public init(shape: [Int], storage: Storage) {
    precondition(shape.allSatisfy { $0 >= 0 }, "NPYArray shape \(shape) has a negative extent")
    precondition(
      shape.reduce(1, *) == storage.count,
      "NPYArray shape \(shape) needs \(shape.reduce(1, *)) elements, got \(storage.count)")
    self.shape = shape
    self.storage = storage
  }

  /// A float32 array with the shape and elements of `tensor`.
  public init(_ tensor: Tensor) {
    self.init(shape: tensor.shape, storage: .float32(tensor.scalars))
  }

  /// A float64 `[rows, columns]` array with the elements of `matrix`.
  public init(_ matrix: Matrix) {
    self.init(shape: [matrix.rows, matrix.columns], storage: .float64(matrix.scalars))
  }

  /// An int32 `[n]` array of class labels.
  public init(labels: [Int32]) {
    self.init(shape: [labels.count], storage: .int32(labels))
  }

  /// The element type.
  public var dtype: DType { storage.dtype }
  /// Number of elements.
  public var count: Int { storage.count }
  /// Number of axes.
  public var rank: Int { shape.count }
  /// Bytes the elements occupy in a file.
  public var byteCount: Int { count * dtype.byteCount }

  /// `NPYArray(<dtype>, shape: [...])`: the dtype and shape, without the elements.
  public var description: String { "NPYArray(\(dtype.rawValue), shape: \(shape))" }
}

extension NPYArray {
  /// The array whose elements fill `raw[dataStart...]` exactly, in `order`: the payload of an .npy or IDX file after
  /// its header.
  /// - Throws: `DatasetsError.truncated` / `.trailingBytes` naming `file` when the payload is shorter or longer than
  ///   `shape` needs, or the size errors of `checkedSize`.
  static func decodingPayload(
    of raw: UnsafeRawBufferPointer, from dataStart: Int, shape: [Int], dtype: DType, order: ByteOrder, file: String
  ) throws -> NPYArray {
    let (count, byteCount) = try checkedSize(of: shape, dtype: dtype, file: file)
    let available = raw.count - dataStart
    guard available >= byteCount else {
      throw DatasetsError.truncated(file: file, expectedBytes: dataStart + byteCount, actualBytes: raw.count)
    }
    guard available == byteCount else {
      throw DatasetsError.trailingBytes(file: file, expectedBytes: dataStart + byteCount, actualBytes: raw.count)
    }
    let storage = Storage.decode(
      dtype, count: count, from: UnsafeRawBufferPointer(rebasing: raw[dataStart...]), order: order)
    return NPYArray(shape: shape, storage: storage)
  }

  /// The element count and byte count of `shape` with `dtype`, checked for negative extents and `Int` overflow
  /// before anything is allocated.
  ///
  /// The product of the non-zero extents must fit too, so that no partial product (rows × features of an empty
  /// array, say) can overflow later.
  /// - Throws: `DatasetsError.invalidShape` naming `file`.
  static func checkedSize(of shape: [Int], dtype: DType, file: String) throws -> (count: Int, bytes: Int) {
    var nonZeroProduct = 1
    for extent in shape {
      guard extent >= 0 else {
        throw DatasetsError.invalidShape(file: file, shape: "\(shape)", reason: "extent \(extent) is negative")
      }
      guard extent > 0 else { continue }
      let (product, overflow) = nonZeroProduct.multipliedReportingOverflow(by: extent)
      guard !overflow else {
        throw DatasetsError.invalidShape(
          file: file, shape: "\(shape)", reason: "the element count overflows a 64-bit integer")
      }
      nonZeroProduct = product
    }
    let (_, bytesOverflow) = nonZeroProduct.multipliedReportingOverflow(by: dtype.byteCount)
    guard !bytesOverflow else {
      throw DatasetsError.invalidShape(
        file: file, shape: "\(shape)", reason: "the byte count overflows a 64-bit integer")
    }
    let count = shape.contains(0) ? 0 : nonZeroProduct
    let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
    guard !overflow else {
      throw DatasetsError.invalidShape(
        file: file, shape: "\(shape)", reason: "the byte count overflows a 64-bit integer")
    }
    return (count, bytes)
  }
}
