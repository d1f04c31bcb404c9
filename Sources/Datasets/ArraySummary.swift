/// Minimum, mean and maximum of an array's elements, overall and per column, for `infoplane inspect`.
///
/// NaN and ±Inf are counted apart and left out of the statistics, so one bad value does not hide the rest.
package struct ArraySummary: Sendable, Equatable {
  /// Statistics of a set of finite values; nil when there are none.
  package struct Statistics: Sendable, Equatable {
    /// Number of finite values.
    package var count: Int
    package var min: Double?
    package var mean: Double?
    package var max: Double?
  }

  /// Over all elements.
  package var overall: Statistics
  /// Elements that are NaN or ±Inf.
  package var nonFiniteCount: Int
  /// Per column (the last axis) of a 2-D array with at least one row; nil otherwise.
  package var columns: [Statistics]?

  /// Summarises `array`.
  /// - Complexity: O(n), one pass.
  package init(_ array: NPYArray) {
    // Per-column sums only when there are rows: a header may claim a huge extent for an empty array.
    let perColumn = array.rank == 2 && array.shape[0] > 0
    let columnCount = perColumn ? array.shape[1] : 1
    var accumulator = Accumulator(columns: columnCount)
    switch array.storage {
    case let .float32(v): accumulator.add(v) { Double($0) }
    case let .float64(v): accumulator.add(v) { $0 }
    case let .int8(v): accumulator.add(v) { Double($0) }
    case let .int16(v): accumulator.add(v) { Double($0) }
    case let .int32(v): accumulator.add(v) { Double($0) }
    case let .int64(v): accumulator.add(v) { Double($0) }
    case let .uint8(v): accumulator.add(v) { Double($0) }
    case let .bool(v): accumulator.add(v) { $0 ? 1 : 0 }
    }
    overall = accumulator.overall()
    nonFiniteCount = accumulator.nonFinite
    columns = perColumn ? (0..<columnCount).map { accumulator.statistics(column: $0) } : nil
  }

  /// Running sums per column, in Float64.
  private struct Accumulator {
    var counts: [Int]
    var sums: [Double]
    var minima: [Double]
    var maxima: [Double]
    /// Running means, m += v/k − m/k: what the mean is when the plain sums overflow (values near ±1.8e308).
    var runningMeans: [Double]
    var nonFinite = 0

    init(columns: Int) {
      counts = Array(repeating: 0, count: columns)
      sums = Array(repeating: 0, count: columns)
      minima = Array(repeating: .infinity, count: columns)
      maxima = Array(repeating: -.infinity, count: columns)
      runningMeans = Array(repeating: 0, count: columns)
    }

    mutating func add<T>(_ values: [T], _ toDouble: (T) -> Double) {
      let columns = counts.count
      guard columns > 0 else { return }
      var column = 0
      for element in values {
        let v = toDouble(element)
        if v.isFinite {
          counts[column] &+= 1
          sums[column] += v
          let k = Double(counts[column])
          runningMeans[column] += v / k - runningMeans[column] / k
          if v < minima[column] { minima[column] = v }
          if v > maxima[column] { maxima[column] = v }
        } else {
          nonFinite &+= 1
        }
        column &+= 1
        if column == columns { column = 0 }
      }
    }

    func statistics(column: Int) -> Statistics {
      let n = counts[column]
      guard n > 0 else { return Statistics(count: 0, min: nil, mean: nil, max: nil) }
      let mean = sums[column].isFinite ? sums[column] / Double(n) : runningMeans[column]
      return Statistics(count: n, min: minima[column], mean: mean, max: maxima[column])
    }

    func overall() -> Statistics {
      let n = counts.reduce(0, +)
      guard n > 0 else { return Statistics(count: 0, min: nil, mean: nil, max: nil) }
      let total = sums.reduce(0, +)
      // Overflowed sums: the columns' running means weighted by their counts, each term divided first.
      let mean =
        total.isFinite
        ? total / Double(n)
        : zip(runningMeans, counts).reduce(0) { $0 + $1.0 * (Double($1.1) / Double(n)) }
      return Statistics(count: n, min: minima.min(), mean: mean, max: maxima.max())
    }
  }
}
