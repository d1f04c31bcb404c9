import Foundation

/// The arrays of a data file of any format this module reads, told apart by name and first bytes.
///
/// `.npy`, `.csv`, IDX (MNIST names such as `train-images-idx3-ubyte`) and `.safetensors`, each optionally
/// gzip-compressed (`.gz`). The name decides when its extension is known, so a damaged `.npy` file reports what is
/// wrong with it rather than "unknown format"; otherwise the first bytes decide.
public struct ArrayFile: Sendable, Equatable {
  /// The container formats.
  public enum Format: String, Sendable, Codable {
    case npy = "NPY"
    case csv = "CSV"
    case idx = "IDX"
    case safetensors
  }

  /// One array and its name (the tensor name in safetensors, the file name otherwise).
  public struct NamedArray: Sendable, Equatable {
    /// The safetensors tensor name, or else the file's last path component (less any `.gz`).
    public var name: String
    /// The array, with the dtype and shape the file stores.
    public var array: NPYArray
  }

  /// The container format the file was read as (under any gzip layer).
  public var format: Format
  /// Whether the file was gzip-compressed.
  public var compressed: Bool
  /// The arrays in file order (safetensors: sorted by name); one for every format but safetensors.
  public var arrays: [NamedArray]
  /// The safetensors `__metadata__` map; empty for other formats.
  public var metadata: [String: String]
  /// The CSV header row, if there is one.
  public var columnNames: [String]?

  /// Reads the file at `url`, choosing the reader by name and first bytes.
  /// - Throws: `DatasetsError.unknownFormat` if neither tells; otherwise the errors of the chosen reader.
  public static func read(contentsOf url: URL, csvHeader: CSV.HeaderRow = .auto) throws -> ArrayFile {
    try decode(DatasetFile.read(url), file: url.path, csvHeader: csvHeader)
  }

  /// Decodes the bytes of a file named `file`.
  /// - Throws: As `read(contentsOf:csvHeader:)`.
  public static func decode(_ data: Data, file: String, csvHeader: CSV.HeaderRow = .auto) throws -> ArrayFile {
    let name = URL(fileURLWithPath: file).lastPathComponent
    return try data.withUnsafeBytes { raw in
      let gzipName = name.lowercased().hasSuffix(".gz")
      guard gzipName || Gzip.isCompressed(raw) else {
        return try decodePlain(raw, name: name, file: file, csvHeader: csvHeader)
      }
      guard Gzip.isCompressed(raw) else {
        throw DatasetsError.corruptGzip(
          file: file, reason: "the name ends in .gz but the file does not start with the gzip signature 1f 8b")
      }
      let innerName = gzipName ? String(name.dropLast(3)) : name
      // A .npy, IDX or safetensors file inside declares its size: inflating stops as soon as the data outgrow it
      // (CSV has none).
      let inflated = try Gzip.decompress(raw, file: file, declaredSize: Self.declaredSize)
      var result = try inflated.withUnsafeBytes {
        try decodePlain($0, name: innerName, file: file + " (decompressed)", csvHeader: csvHeader)
      }
      result.compressed = true
      return result
    }
  }

  /// The size the first inflated bytes declare: a `.npy`, IDX or safetensors header's; nil for text or too few bytes.
  static func declaredSize(_ prefix: [UInt8]) -> Int? {
    guard prefix.count >= 6 else { return nil }
    if Array(prefix.prefix(6)) == NPY.magic { return NPY.declaredSize(prefix) }
    if prefix[0] == 0, prefix[1] == 0, prefix.count >= 3, IDX.dtype(ofTypeCode: prefix[2]) != nil {
      return IDX.declaredSize(prefix)
    }
    // safetensors: an 8-byte little-endian header length below 2^48, then '{'.
    if prefix.count >= 9, prefix[6] == 0, prefix[7] == 0, prefix[8] == UInt8(ascii: "{") {
      return SafeTensors.declaredSize(prefix)
    }
    return nil
  }

  private static func decodePlain(
    _ raw: UnsafeRawBufferPointer, name: String, file: String, csvHeader: CSV.HeaderRow
  ) throws -> ArrayFile {
    let format = try format(of: raw, name: name, file: file)
    func single(_ array: NPYArray) -> ArrayFile {
      ArrayFile(format: format, compressed: false, arrays: [NamedArray(name: name, array: array)], metadata: [:])
    }
    switch format {
    case .npy:
      return single(try NPY.decode(raw, file: file))
    case .idx:
      return single(try IDX.decodePlain(raw, file: file))
    case .csv:
      let table = try CSV.decode(Data(raw), file: file, header: csvHeader)
      var result = single(NPYArray(table.values))
      result.columnNames = table.header
      return result
    case .safetensors:
      let contents = try SafeTensors.decode(raw, file: file)
      let arrays = contents.tensors.keys.sorted().compactMap { key in
        contents.tensors[key].map { NamedArray(name: key, array: $0) }
      }
      return ArrayFile(format: .safetensors, compressed: false, arrays: arrays, metadata: contents.metadata)
    }
  }

  /// The format named by the extension, an IDX-style name, or else the first bytes.
  static func format(of raw: UnsafeRawBufferPointer, name: String, file: String) throws -> Format {
    switch URL(fileURLWithPath: name).pathExtension.lowercased() {
    case "npy": return .npy
    case "csv", "txt": return .csv
    case "safetensors": return .safetensors
    case "idx": return .idx
    default: break
    }
    if name.range(of: #"idx[0-9]"#, options: .regularExpression) != nil { return .idx }
    if raw.starts(with: NPY.magic) { return .npy }
    if IDX.looksLikeIDX(raw) { return .idx }
    if raw.count >= 9 && raw[8] == UInt8(ascii: "{") && raw[6] == 0 && raw[7] == 0 { return .safetensors }
    let head = raw.prefix(4096)
    if !head.isEmpty && head.allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20..<0x7F).contains($0) }) {
      return .csv
    }
    throw DatasetsError.unknownFormat(file: file)
  }

  /// The array of a data file: its only array, or for `FILE:NAME` (a file that holds several, e.g. safetensors) the
  /// one named NAME. A path that exists as it is is never split at a colon.
  /// - Throws: `DatasetsError.noArrayNamed`, `.severalArrays`, or any error of reading the file.
  public static func readArray(_ path: String, csvHeader: CSV.HeaderRow = .auto) throws -> NPYArray {
    var file = path
    var name: String?
    if !FileManager.default.fileExists(atPath: path), let colon = path.lastIndex(of: ":"),
      FileManager.default.fileExists(atPath: String(path[..<colon]))
    {
      file = String(path[..<colon])
      name = String(path[path.index(after: colon)...])
    }
    let contents = try read(contentsOf: URL(fileURLWithPath: file), csvHeader: csvHeader)
    let names = contents.arrays.map(\.name)
    if let name {
      guard let array = contents.arrays.first(where: { $0.name == name })?.array else {
        throw DatasetsError.noArrayNamed(file: file, name: name, available: names)
      }
      return array
    }
    guard contents.arrays.count == 1, let array = contents.arrays.first?.array else {
      throw DatasetsError.severalArrays(file: path, names: names)
    }
    return array
  }
}
