import Foundation
import Tensor

/// NumPy's `.npy` format (format versions 1.0, 2.0 and 3.0): a magic string, a header dictionary, then the raw
/// elements in C order, little-endian.
///
/// Reads what `np.save` writes for float32, float64, int8, int16, int32, int64, uint8 and bool arrays of any rank,
/// and writes byte-for-byte what `np.save` would write for the same array (version 1.0, or 2.0 when the header
/// needs more than 65 535 bytes). Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
public enum NPY {
  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

  /// Reads the `.npy` file at `url`.
  /// - Throws: `DatasetsError` naming the file: `.fileNotFound`, `.badMagic`, `.truncated`, `.malformedHeader`,
  ///   `.unsupportedDType`, `.bigEndian`, `.fortranOrder`, `.invalidShape`, `.trailingBytes`.
  public static func read(contentsOf url: URL) throws -> NPYArray {
    try decode(DatasetFile.read(url), file: url.path)
  }

  /// Decodes the bytes of a `.npy` file; `file` names it in errors.
  /// - Throws: As `read(contentsOf:)`.
  public static func decode(_ data: Data, file: String) throws -> NPYArray {
    try data.withUnsafeBytes { try decode($0, file: file) }
  }

  /// Writes `array` to `url` atomically (temporary file + rename).
  /// - Throws: `DatasetsError.ioFailure` if the file cannot be written.
  public static func write(_ array: NPYArray, to url: URL) throws {
    try DatasetFile.writeAtomically(encode(array), to: url)
  }

  /// The bytes of a `.npy` file holding `array`, identical to what `np.save` writes.
  public static func encode(_ array: NPYArray) -> [UInt8] {
    let header = Array(NPYHeader.render(dtype: array.dtype, shape: array.shape).utf8)
    // As NumPy's `_wrap_header`: pad with spaces and a final newline so the data starts at a multiple of 64.
    var version: UInt8 = 1
    var lengthBytes = 2
    var padding = 64 - ((magic.count + 2 + lengthBytes + header.count + 1) % 64)
    if header.count + 1 + padding > Int(UInt16.max) {
      version = 2
      lengthBytes = 4
      padding = 64 - ((magic.count + 2 + lengthBytes + header.count + 1) % 64)
    }
    let headerLength = header.count + padding + 1
    var out = magic + [version, 0]
    out.reserveCapacity(magic.count + 2 + lengthBytes + headerLength + array.byteCount)
    for i in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: headerLength >> (8 * i))) }
    out += header
    out += [UInt8](repeating: 0x20, count: padding)
    out.append(0x0A)
    array.storage.encode(into: &out, order: .little)
    return out
  }

  static func decode(_ raw: UnsafeRawBufferPointer, file: String) throws -> NPYArray {
    let (shape, dtype, dataStart) = try layout(raw, file: file)
    return try NPYArray.decodingPayload(
      of: raw, from: dataStart, shape: shape, dtype: dtype, order: .little, file: file)
  }

  /// The `.npy` file at `url` as a Float32 tensor (as `read(contentsOf:).tensor()`), read in chunks straight into
  /// the tensor: memory for one copy of the elements, however large the file (layer files of gigabytes).
  /// - Throws: As `read(contentsOf:)`.
  package static func readTensor(contentsOf url: URL) throws -> Tensor {
    let file = try StreamedFile(url)
    let prefix = try file.bytes(at: 0, count: min(file.size, 1 << 16))
    var headerEnd = prefix.count
    if prefix.count >= 12, prefix[6] >= 2 {
      headerEnd = 12 + Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
    } else if prefix.count >= 10 {
      headerEnd = 10 + (Int(prefix[8]) | Int(prefix[9]) << 8)
    }
    let header = headerEnd <= prefix.count ? prefix : try file.bytes(at: 0, count: min(file.size, headerEnd))
    let (shape, dtype, dataStart) = try header.withUnsafeBytes { try layout($0, file: url.path) }
    let (count, byteCount) = try NPYArray.checkedSize(of: shape, dtype: dtype, file: url.path)
    guard file.size >= dataStart + byteCount else {
      throw DatasetsError.truncated(file: url.path, expectedBytes: dataStart + byteCount, actualBytes: file.size)
    }
    guard file.size == dataStart + byteCount else {
      throw DatasetsError.trailingBytes(file: url.path, expectedBytes: dataStart + byteCount, actualBytes: file.size)
    }
    return Tensor(shape: shape, scalars: try file.floats(at: dataStart, count: count, dtype: dtype))
  }

  /// The size in bytes a `.npy` file declares in its header (payload offset + elements × element size): nil while
  /// `prefix` is too short to hold the whole header; `Int.max` when it is no `.npy` header or the size overflows
  /// (decoding then names the problem).
  static func declaredSize(_ prefix: [UInt8]) -> Int? {
    do {
      let (shape, dtype, start) = try prefix.withUnsafeBytes { try layout($0, file: "") }
      var total = dtype.byteCount
      for extent in shape {
        let (product, overflow) = total.multipliedReportingOverflow(by: extent)
        if overflow || extent < 0 { return Int.max }
        total = product
      }
      return total > Int.max - start ? Int.max : total + start
    } catch DatasetsError.truncated {
      return nil
    } catch {
      return Int.max
    }
  }

  /// Shape, dtype and payload offset from a `.npy` file's first bytes (at least its whole header).
  /// - Throws: As `read(contentsOf:)` for the header.
  static func layout(_ raw: UnsafeRawBufferPointer, file: String) throws
    -> (shape: [Int], dtype: NPYArray.DType, dataStart: Int)
  {
    let prefix = min(raw.count, magic.count)
    guard raw.count >= magic.count, Array(raw[0..<magic.count]) == magic else {
      if prefix > 0 && Array(raw[0..<prefix]) == Array(magic[0..<prefix]) {
        throw DatasetsError.truncated(file: file, expectedBytes: 10, actualBytes: raw.count)
      }
      throw DatasetsError.badMagic(file: file, format: ".npy", found: hexPreview(raw))
    }
    guard raw.count >= 8 else { throw DatasetsError.truncated(file: file, expectedBytes: 10, actualBytes: raw.count) }
    let major = raw[6]
    let minor = raw[7]
    let lengthBytes: Int
    switch (major, minor) {
    case (1, 0): lengthBytes = 2
    case (2, 0), (3, 0): lengthBytes = 4
    default:
      throw DatasetsError.malformedHeader(
        file: file, format: ".npy", reason: "format version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are)")
    }
    let headerStart = 8 + lengthBytes
    guard raw.count >= headerStart else {
      throw DatasetsError.truncated(file: file, expectedBytes: headerStart, actualBytes: raw.count)
    }
    var headerLength = 0
    for i in 0..<lengthBytes { headerLength |= Int(raw[8 + i]) << (8 * i) }
    let dataStart = headerStart + headerLength
    guard raw.count >= dataStart else {
      throw DatasetsError.truncated(file: file, expectedBytes: dataStart, actualBytes: raw.count)
    }
    let header: NPYHeader
    do {
      header = try NPYHeader.parse(Array(raw[headerStart..<dataStart]))
    } catch {
      throw DatasetsError.malformedHeader(file: file, format: ".npy", reason: error.reason)
    }
    let dtype = try dtype(of: header.descr, file: file)
    var shape: [Int] = []
    for text in header.shapeText {
      guard let extent = Int(text) else {
        throw DatasetsError.invalidShape(
          file: file, shape: "(\(header.shapeText.joined(separator: ", ")))",
          reason: "extent \(text) does not fit in a 64-bit integer")
      }
      shape.append(extent)
    }
    // A Fortran-ordered array with at most one extent above 1 has the same bytes as in C order.
    if header.fortranOrder && shape.filter({ $0 > 1 }).count > 1 { throw DatasetsError.fortranOrder(file: file) }
    return (shape, dtype, dataStart)
  }

  /// The dtype of a NumPy type string such as `<f4` or `|u1`.
  static func dtype(of descr: String, file: String) throws -> NPYArray.DType {
    var code = Substring(descr)
    var order: Character = "|"
    if let first = code.first, "<>|=".contains(first) {
      order = first
      code = code.dropFirst()
    }
    let dtype: NPYArray.DType? =
      switch code {
      case "f4": .float32
      case "f8": .float64
      case "i1": .int8
      case "i2": .int16
      case "i4": .int32
      case "i8": .int64
      case "u1": .uint8
      case "b1": .bool
      default: nil
      }
    guard let dtype else { throw DatasetsError.unsupportedDType(file: file, format: ".npy", dtype: "'\(descr)'") }
    if order == ">" && dtype.byteCount > 1 { throw DatasetsError.bigEndian(file: file, dtype: "'\(descr)'") }
    return dtype
  }
}

/// The first bytes of a file as hex, for error messages (`0x89 0x50 0x4e 0x47`).
func hexPreview(_ raw: UnsafeRawBufferPointer, count: Int = 8) -> String {
  guard !raw.isEmpty else { return "nothing (the file is empty)" }
  return raw.prefix(count).map { "0x" + String($0, radix: 16, uppercase: false).leftPadded(to: 2) }
    .joined(separator: " ")
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
