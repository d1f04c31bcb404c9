/// What `infoplane inspect --json` prints about a data file: its format and, per array, dtype, shape and value
/// statistics (NaN and ±Inf left out and counted apart; per column for 2-D arrays).
package struct FileInspection: Sendable, Encodable {
  /// The path, as given.
  package var file: String
  /// The file's contents (format, arrays, metadata, CSV column names).
  package var contents: ArrayFile
  /// One summary per array of `contents`, in order.
  package var summaries: [ArraySummary]
  package var version: String

  package init(file: String, contents: ArrayFile, version: String) {
    self.file = file
    self.contents = contents
    self.summaries = contents.arrays.map { ArraySummary($0.array) }
    self.version = version
  }

  enum CodingKeys: String, CodingKey {
    case file, format, compressed, arrays, metadata
    case columnNames = "column_names"
    case version
  }
  enum ArrayKeys: String, CodingKey {
    case name, dtype, shape, count
    case nonFiniteCount = "non_finite_count"
    case columns
    case finiteCount = "finite_count"
    case min, mean, max
  }
  enum ColumnKeys: String, CodingKey {
    case index, name
    case finiteCount = "finite_count"
    case min, mean, max
  }

  package func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(file, forKey: .file)
    try c.encode(contents.format.rawValue, forKey: .format)
    try c.encode(contents.compressed, forKey: .compressed)
    try c.encode(contents.metadata, forKey: .metadata)
    try c.encode(contents.columnNames, forKey: .columnNames)
    try c.encode(version, forKey: .version)
    var list = c.nestedUnkeyedContainer(forKey: .arrays)
    for (named, summary) in zip(contents.arrays, summaries) {
      var entry = list.nestedContainer(keyedBy: ArrayKeys.self)
      try entry.encode(named.name, forKey: .name)
      try entry.encode(named.array.dtype.rawValue, forKey: .dtype)
      try entry.encode(named.array.shape, forKey: .shape)
      try entry.encode(named.array.count, forKey: .count)
      try entry.encode(summary.nonFiniteCount, forKey: .nonFiniteCount)
      try entry.encode(summary.overall.count, forKey: .finiteCount)
      try entry.encode(summary.overall.min, forKey: .min)
      try entry.encode(summary.overall.mean, forKey: .mean)
      try entry.encode(summary.overall.max, forKey: .max)
      guard let columns = summary.columns else {
        try entry.encodeNil(forKey: .columns)
        continue
      }
      var columnList = entry.nestedUnkeyedContainer(forKey: .columns)
      for (index, stats) in columns.enumerated() {
        var column = columnList.nestedContainer(keyedBy: ColumnKeys.self)
        try column.encode(index, forKey: .index)
        if let names = contents.columnNames { try column.encode(names[index], forKey: .name) }
        try column.encode(stats.count, forKey: .finiteCount)
        try column.encode(stats.min, forKey: .min)
        try column.encode(stats.mean, forKey: .mean)
        try column.encode(stats.max, forKey: .max)
      }
    }
  }
}
