import Foundation

/// The IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed: bytes 0 0, a type code, the rank, one
/// big-endian UInt32 per extent, then the elements big-endian in row-major order.
///
/// All six IDX types: unsigned byte (0x08 → uint8), signed byte (0x09 → int8), short (0x0B → int16),
/// int (0x0C → int32), float (0x0D → float32) and double (0x0E → float64).
/// Spec: Y. LeCun, "THE MNIST DATABASE of handwritten digits", section "FILE FORMATS FOR THE MNIST DATABASE".
package enum IDX {
  /// Reads the IDX file at `url`; gzip compression is detected from the first bytes, whatever the name.
  /// - Throws: `DatasetsError` naming the file: `.fileNotFound`, `.corruptGzip`, `.badMagic`, `.unsupportedDType`,
  ///   `.truncated`, `.trailingBytes`, `.invalidShape`.
  package static func read(contentsOf url: URL) throws -> NPYArray {
    try decode(DatasetFile.read(url), file: url.path)
  }

  /// Decodes the bytes of an IDX file, plain or gzip-compressed; `file` names it in errors.
  /// - Throws: As `read(contentsOf:)`.
  package static func decode(_ data: Data, file: String) throws -> NPYArray {
    try data.withUnsafeBytes { raw in
      guard Gzip.isCompressed(raw) else { return try decodePlain(raw, file: file) }
      let inflated = try Gzip.decompress(raw, file: file, declaredSize: declaredSize)
      return try inflated.withUnsafeBytes { try decodePlain($0, file: file + " (decompressed)") }
    }
  }

  /// Writes `array` to `url` atomically, gzip-compressed when the name ends in `.gz`.
  /// - Throws: `DatasetsError.cannotEncode` for int64 or bool arrays, a rank above 255 or an extent above
  ///   4 294 967 295; `.ioFailure` if the file cannot be written.
  package static func write(_ array: NPYArray, to url: URL) throws {
    var bytes = try encode(array, file: url.path)
    if url.pathExtension == "gz" { bytes = try Gzip.compress(bytes, file: url.path) }
    try DatasetFile.writeAtomically(bytes, to: url)
  }

  /// The bytes of an uncompressed IDX file holding `array`; `file` names it in errors.
  /// - Throws: As `write(_:to:)`.
  package static func encode(_ array: NPYArray, file: String = "IDX data") throws -> [UInt8] {
    guard let code = typeCode(of: array.dtype) else {
      throw DatasetsError.cannotEncode(
        file: file, format: "IDX",
        reason: "IDX has no \(array.dtype.rawValue) type; convert to uint8, int8, int16, int32, float32 or float64")
    }
    guard array.rank <= 255 else {
      throw DatasetsError.cannotEncode(file: file, format: "IDX", reason: "rank \(array.rank) is above 255")
    }
    var out: [UInt8] = [0, 0, code, UInt8(array.rank)]
    out.reserveCapacity(4 + 4 * array.rank + array.byteCount)
    for extent in array.shape {
      guard let value = UInt32(exactly: extent) else {
        throw DatasetsError.cannotEncode(file: file, format: "IDX", reason: "extent \(extent) is above 4294967295")
      }
      out += [
        UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
        UInt8(truncatingIfNeeded: value),
      ]
    }
    array.storage.encode(into: &out, order: .big)
    return out
  }

  static func typeCode(of dtype: NPYArray.DType) -> UInt8? {
    switch dtype {
    case .uint8: 0x08
    case .int8: 0x09
    case .int16: 0x0B
    case .int32: 0x0C
    case .float32: 0x0D
    case .float64: 0x0E
    case .int64, .bool: nil
    }
  }

  static func dtype(ofTypeCode code: UInt8) -> NPYArray.DType? {
    NPYArray.DType.allCases.first { typeCode(of: $0) == code }
  }

  /// Whether `raw` starts like an IDX file: 0 0, a known type code, and room for the extents.
  static func looksLikeIDX(_ raw: UnsafeRawBufferPointer) -> Bool {
    raw.count >= 4 && raw[0] == 0 && raw[1] == 0 && dtype(ofTypeCode: raw[2]) != nil
      && raw.count >= 4 + 4 * Int(raw[3])
  }

  /// The size in bytes an IDX file declares in its header (magic, then one 4-byte big-endian extent per axis):
  /// nil while `prefix` is too short to tell; `Int.max` when the header is no IDX header or the size overflows
  /// (`decodePlain` then names the problem).
  static func declaredSize(_ prefix: [UInt8]) -> Int? {
    guard prefix.count >= 4 else { return nil }
    guard prefix[0] == 0, prefix[1] == 0, let dtype = dtype(ofTypeCode: prefix[2]) else { return Int.max }
    let rank = Int(prefix[3])
    guard prefix.count >= 4 + 4 * rank else { return nil }
    var total = dtype.byteCount
    for extent in prefix.withUnsafeBytes({ shape($0, rank: rank) }) {
      let (product, overflow) = total.multipliedReportingOverflow(by: extent)
      if overflow { return Int.max }
      total = product
    }
    return total > Int.max - (4 + 4 * rank) ? Int.max : total + 4 + 4 * rank
  }

  /// The `rank` extents of an IDX header: 4-byte big-endian integers from byte 4 (`raw` holds at least 4 + 4·rank
  /// bytes).
  static func shape(_ raw: UnsafeRawBufferPointer, rank: Int) -> [Int] {
    (0..<rank).map { axis in (0..<4).reduce(0) { $0 << 8 | Int(raw[4 + 4 * axis + $1]) } }
  }

  static func decodePlain(_ raw: UnsafeRawBufferPointer, file: String) throws -> NPYArray {
    guard raw.count >= 4 else {
      if raw.allSatisfy({ $0 == 0 }) && !raw.isEmpty {
        throw DatasetsError.truncated(file: file, expectedBytes: 4, actualBytes: raw.count)
      }
      throw DatasetsError.badMagic(file: file, format: "IDX", found: hexPreview(raw))
    }
    guard raw[0] == 0, raw[1] == 0 else {
      throw DatasetsError.badMagic(file: file, format: "IDX", found: hexPreview(raw))
    }
    guard let dtype = dtype(ofTypeCode: raw[2]) else {
      throw DatasetsError.unsupportedDType(
        file: file, format: "IDX", dtype: "type code 0x" + String(raw[2], radix: 16) + " (known: 0x08–0x0e)")
    }
    let rank = Int(raw[3])
    let dataStart = 4 + 4 * rank
    guard raw.count >= dataStart else {
      throw DatasetsError.truncated(file: file, expectedBytes: dataStart, actualBytes: raw.count)
    }
    return try NPYArray.decodingPayload(
      of: raw, from: dataStart, shape: shape(raw, rank: rank), dtype: dtype, order: .big, file: file)
  }
}
