/// An n×d matrix of Float64, row-major: n samples (rows) of a d-dimensional variable (columns).
///
/// The estimators' input type (docs/architecture.md: Float64 accumulation in estimators).
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
  /// Number of samples.
  public let rows: Int
  /// Dimension of each sample.
  public let columns: Int
  /// Row-major elements; `scalars[r * columns + c]`. Read-only from outside: write through `subscript(row:column:)`
  /// or `withMutableScalars(_:)`, which keep the count equal to rows × columns.
  public private(set) var scalars: [Double]

  /// Runs `body` with the elements (row-major) to change in place, without copying them; `body` must not change
  /// their count (a precondition).
  public mutating func withMutableScalars<R>(_ body: (inout [Double]) throws -> R) rethrows -> R {
    let count = scalars.count
    defer {
      precondition(
        scalars.count == count, "withMutableScalars changed the element count of a \(rows)×\(columns) matrix")
    }
    return try body(&scalars)
  }

  /// A `rows × columns` matrix over row-major `scalars`; the count must match.
  public init(rows: Int, columns: Int, scalars: [Double]) {
    precondition(rows >= 0 && columns >= 0, "Matrix needs non-negative extents, got \(rows)×\(columns)")
    precondition(
      scalars.count == rows * columns, "Matrix \(rows)×\(columns) needs \(rows * columns) scalars, got \(scalars.count)"
    )
    self.rows = rows
    self.columns = columns
    self.scalars = scalars
  }

  /// The element at flat (row-major) position `index`, 0-based.
  package subscript(flat index: Int) -> Double {
    get { scalars[index] }
    set { scalars[index] = newValue }
  }

  /// Runs `body` with a mutable pointer to the elements (row-major) for hot loops.
  package mutating func withUnsafeMutableScalars<R>(_ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R)
    rethrows -> R
  {
    try scalars.withUnsafeMutableBufferPointer(body)
  }

  /// A matrix of zeros.
  public static func zeros(_ rows: Int, _ columns: Int) -> Matrix {
    Matrix(rows: rows, columns: columns, scalars: Array(repeating: 0, count: rows * columns))
  }

  /// A matrix of ones.
  public static func ones(_ rows: Int, _ columns: Int) -> Matrix {
    Matrix(rows: rows, columns: columns, scalars: Array(repeating: 1, count: rows * columns))
  }

  /// Builds a matrix from an array of equally long rows.
  public init(_ rowArrays: [[Double]]) {
    let columns = rowArrays.first?.count ?? 0
    precondition(rowArrays.allSatisfy { $0.count == columns }, "Matrix rows must have equal length")
    self.init(rows: rowArrays.count, columns: columns, scalars: rowArrays.flatMap { $0 })
  }

  /// A Float32 tensor `[n, d]` converted to Float64.
  public init(_ tensor: Tensor) {
    precondition(tensor.rank == 2, "Matrix(tensor) needs rank 2, got shape \(tensor.shape)")
    self.init(rows: tensor.shape[0], columns: tensor.shape[1], scalars: tensor.scalars.map(Double.init))
  }

  /// The element in `row`, `column` (0-based).
  public subscript(row: Int, column: Int) -> Double {
    get { scalars[row * columns + column] }
    set { scalars[row * columns + column] = newValue }
  }

  /// Row `r` as an array.
  public func row(_ r: Int) -> [Double] { Array(scalars[(r * columns)..<((r + 1) * columns)]) }

  /// Column `c` as an array.
  public func column(_ c: Int) -> [Double] { (0..<rows).map { scalars[$0 * columns + c] } }

  /// The rows at `indices`, in that order.
  public func selectingRows(_ indices: [Int]) -> Matrix {
    var out = [Double]()
    out.reserveCapacity(indices.count * columns)
    for r in indices { out.append(contentsOf: scalars[(r * columns)..<((r + 1) * columns)]) }
    return Matrix(rows: indices.count, columns: columns, scalars: out)
  }

  /// Columns side by side: `[self | other]`; both need the same number of rows.
  public func concatenatingColumns(_ other: Matrix) -> Matrix {
    precondition(rows == other.rows, "concatenatingColumns needs equal rows, got \(rows) and \(other.rows)")
    var out = [Double]()
    out.reserveCapacity(rows * (columns + other.columns))
    for r in 0..<rows {
      out.append(contentsOf: scalars[(r * columns)..<((r + 1) * columns)])
      out.append(contentsOf: other.scalars[(r * other.columns)..<((r + 1) * other.columns)])
    }
    return Matrix(rows: rows, columns: columns + other.columns, scalars: out)
  }

  /// The matrix as a Float32 tensor `[rows, columns]`.
  public var tensor: Tensor { Tensor(shape: [rows, columns], scalars: scalars.map(Float.init)) }

  /// `Matrix(rows×columns)`: the shape only, without the elements.
  public var description: String { "Matrix(\(rows)×\(columns))" }
}
