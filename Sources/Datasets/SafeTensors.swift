import Foundation
import Tensor

/// The named arrays and string metadata of a safetensors file.
package struct SafeTensorsFile: Sendable, Equatable {
  /// The arrays by name.
  package var tensors: [String: NPYArray]
  /// The `__metadata__` map (empty if the file has none).
  package var metadata: [String: String]

  package init(tensors: [String: NPYArray], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }
}

/// The safetensors format of Hugging Face (model checkpoints): a little-endian UInt64 header length, a JSON header
/// mapping each name to `dtype`, `shape` and `data_offsets` (plus an optional `__metadata__` string map), then the
/// elements little-endian, C order, packed without gaps.
///
/// dtypes: F32, F64, I8, I16, I32, I64, U8 and BOOL. Files written here read with Python's
/// `safetensors.numpy.load_file`. Spec: https://github.com/huggingface/safetensors#format
package enum SafeTensors {
  /// Writes `tensors` and `metadata` to `url` atomically: a temporary file in the same directory, flushed, then
  /// renamed over `url`, so a crash never leaves a half-written checkpoint.
  /// - Throws: `DatasetsError.cannotEncode` for the reserved name `__metadata__`; `.ioFailure`.
  package static func write(_ tensors: [String: NPYArray], metadata: [String: String] = [:], to url: URL) throws {
    try DatasetFile.writeAtomically(encode(tensors, metadata: metadata, file: url.path), to: url)
  }

  /// Reads the safetensors file at `url`.
  /// - Throws: `DatasetsError` naming the file: `.fileNotFound`, `.truncated`, `.malformedHeader`,
  ///   `.unsupportedDType`, `.invalidShape`, `.badTensorEntry`, `.trailingBytes`.
  package static func read(contentsOf url: URL) throws -> SafeTensorsFile {
    try decode(DatasetFile.read(url), file: url.path)
  }

  /// The bytes of a safetensors file: entries sorted by name, data in the same order, header padded with spaces
  /// to a multiple of 8 bytes so every array starts 8-byte aligned in the file.
  /// - Throws: As `write(_:metadata:to:)`.
  package static func encode(
    _ tensors: [String: NPYArray], metadata: [String: String] = [:], file: String = "safetensors data"
  ) throws -> [UInt8] {
    guard tensors["__metadata__"] == nil else {
      throw DatasetsError.cannotEncode(
        file: file, format: "safetensors", reason: "the name __metadata__ is reserved; rename that tensor")
    }
    let names = tensors.keys.sorted()
    var parts: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.keys.sorted().map { jsonString($0) + ":" + jsonString(metadata[$0] ?? "") }
      parts.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
    }
    var offset = 0
    for name in names {
      guard let array = tensors[name] else { continue }
      let end = offset + array.byteCount
      parts.append(
        jsonString(name) + ":{\"dtype\":\"\(code(of: array.dtype))\",\"shape\":["
          + array.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]}")
      offset = end
    }
    var header = Array(("{" + parts.joined(separator: ",") + "}").utf8)
    header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
    var out: [UInt8] = []
    out.reserveCapacity(8 + header.count + offset)
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64(i)))) }
    out += header
    for name in names { tensors[name]?.storage.encode(into: &out, order: .little) }
    return out
  }

  /// Decodes the bytes of a safetensors file; `file` names it in errors.
  /// - Throws: As `read(contentsOf:)`.
  package static func decode(_ data: Data, file: String) throws -> SafeTensorsFile {
    try data.withUnsafeBytes { try decode($0, file: file) }
  }

  static func decode(_ raw: UnsafeRawBufferPointer, file: String) throws -> SafeTensorsFile {
    let (ranges, metadata, dataStart) = try layout(raw, totalBytes: raw.count, file: file)
    var tensors: [String: NPYArray] = [:]
    for range in ranges {
      let bytes = UnsafeRawBufferPointer(rebasing: raw[(dataStart + range.begin)..<(dataStart + range.end)])
      tensors[range.name] = NPYArray(
        shape: range.shape, storage: .decode(range.dtype, count: range.count, from: bytes, order: .little))
    }
    return SafeTensorsFile(tensors: tensors, metadata: metadata)
  }

  /// One tensor's place in a safetensors file: byte range within the data section, dtype, shape, element count.
  struct Entry {
    let begin: Int, end: Int
    let name: String
    let dtype: NPYArray.DType
    let shape: [Int]
    let count: Int
  }

  /// The entries of a safetensors file of `totalBytes` bytes from its first bytes `raw` (at least the length field
  /// and the whole JSON header), checked as `read(contentsOf:)` checks them.
  /// - Throws: As `read(contentsOf:)`.
  static func layout(_ raw: UnsafeRawBufferPointer, totalBytes: Int, file: String) throws
    -> (entries: [Entry], metadata: [String: String], dataStart: Int)
  {
    guard raw.count >= 8 else { throw DatasetsError.truncated(file: file, expectedBytes: 8, actualBytes: totalBytes) }
    var declared: UInt64 = 0
    for i in 0..<8 { declared |= UInt64(raw[i]) << (8 * UInt64(i)) }
    guard declared <= UInt64(totalBytes - 8) else {
      let expected = declared < UInt64(Int.max - 8) ? Int(declared) + 8 : Int.max
      throw DatasetsError.truncated(file: file, expectedBytes: expected, actualBytes: totalBytes)
    }
    let dataStart = 8 + Int(declared)
    guard declared >= 2, raw[8] == UInt8(ascii: "{") else {
      throw DatasetsError.malformedHeader(
        file: file, format: "safetensors", reason: "the JSON header does not start with '{' at byte 8")
    }
    let header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: Data(raw[8..<dataStart]))
    } catch {
      let reason = (error as? DecodingError).map(describe) ?? "not valid JSON"
      throw DatasetsError.malformedHeader(file: file, format: "safetensors", reason: reason)
    }
    let dataLength = totalBytes - dataStart
    var ranges: [Entry] = []
    for name in header.entries.keys.sorted() {
      guard let entry = header.entries[name] else { continue }
      guard let dtype = dtype(ofCode: entry.dtype) else {
        throw DatasetsError.unsupportedDType(
          file: file, format: "safetensors", dtype: "\(entry.dtype) (tensor '\(name)')")
      }
      let (count, byteCount) = try NPYArray.checkedSize(of: entry.shape, dtype: dtype, file: file)
      guard entry.data_offsets.count == 2 else {
        throw DatasetsError.badTensorEntry(file: file, name: name, reason: "data_offsets must hold two numbers")
      }
      let (begin, end) = (entry.data_offsets[0], entry.data_offsets[1])
      guard begin >= 0, begin <= end, end <= dataLength else {
        throw DatasetsError.badTensorEntry(
          file: file, name: name,
          reason: "data_offsets [\(begin), \(end)] do not lie within the \(dataLength) data bytes")
      }
      guard end - begin == byteCount else {
        throw DatasetsError.badTensorEntry(
          file: file, name: name,
          reason: "shape \(entry.shape) of \(entry.dtype) needs \(byteCount) bytes but data_offsets span "
            + "\(end - begin)")
      }
      ranges.append(Entry(begin: begin, end: end, name: name, dtype: dtype, shape: entry.shape, count: count))
    }
    // As the reference implementation: the entries tile the data exactly, without gaps or overlaps. Checked before
    // decoding, so the arrays together never take more memory than the file.
    var covered = 0
    for range in ranges.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
      guard range.begin == covered else {
        throw DatasetsError.badTensorEntry(
          file: file, name: range.name,
          reason: range.begin < covered
            ? "its bytes overlap another tensor's" : "bytes \(covered)..<\(range.begin) before it belong to no tensor")
      }
      covered = range.end
    }
    guard covered == dataLength else {
      throw DatasetsError.trailingBytes(file: file, expectedBytes: dataStart + covered, actualBytes: totalBytes)
    }
    return (ranges, header.metadata, dataStart)
  }

  /// The size in bytes a safetensors file declares (8 + header length + the largest data offset): nil while
  /// `prefix` is too short to hold the whole JSON header; `Int.max` when it is no safetensors header, the header is
  /// over 100 MB or does not parse (decoding then names the problem).
  static func declaredSize(_ prefix: [UInt8]) -> Int? {
    guard prefix.count >= 9 else { return nil }
    var declared: UInt64 = 0
    for i in 0..<8 { declared |= UInt64(prefix[i]) << (8 * UInt64(i)) }
    guard declared >= 2, declared <= 100_000_000, prefix[8] == UInt8(ascii: "{") else { return Int.max }
    let dataStart = 8 + Int(declared)
    guard prefix.count >= dataStart else { return nil }
    guard let header = try? JSONDecoder().decode(Header.self, from: Data(prefix[8..<dataStart])) else {
      return Int.max
    }
    let end = header.entries.values.compactMap { $0.data_offsets.count == 2 ? $0.data_offsets[1] : nil }.max() ?? 0
    return end >= 0 && end <= Int.max - dataStart ? dataStart + end : Int.max
  }

  /// The tensor names of the safetensors file at `url`, sorted, read from its header alone.
  /// - Throws: As `read(contentsOf:)`.
  package static func tensorNames(in url: URL) throws -> [String] {
    try index(of: url).entries.map(\.name).sorted()
  }

  /// One tensor of the safetensors file at `url` as Float32 (as `read(contentsOf:)…tensor()`), read in chunks
  /// straight into the tensor: memory for that tensor only, however large the file.
  /// - Throws: As `read(contentsOf:)`; `DatasetsError.noArrayNamed` when the file has no tensor `name`.
  package static func readTensor(named name: String, in url: URL) throws -> Tensor {
    let (file, entries, dataStart) = try index(of: url)
    guard let entry = entries.first(where: { $0.name == name }) else {
      throw DatasetsError.noArrayNamed(file: url.path, name: name, available: entries.map(\.name).sorted())
    }
    return Tensor(
      shape: entry.shape, scalars: try file.floats(at: dataStart + entry.begin, count: entry.count, dtype: entry.dtype))
  }

  private static func index(of url: URL) throws -> (file: StreamedFile, entries: [Entry], dataStart: Int) {
    let file = try StreamedFile(url)
    let lengthBytes = try file.bytes(at: 0, count: min(8, file.size))
    guard lengthBytes.count == 8 else {
      throw DatasetsError.truncated(file: url.path, expectedBytes: 8, actualBytes: file.size)
    }
    let declared = lengthBytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    guard declared <= UInt64(file.size - 8) else {
      let expected = declared < UInt64(Int.max - 8) ? Int(declared) + 8 : Int.max
      throw DatasetsError.truncated(file: url.path, expectedBytes: expected, actualBytes: file.size)
    }
    let header = try file.bytes(at: 0, count: 8 + Int(declared))
    let (entries, _, dataStart) = try header.withUnsafeBytes { try layout($0, totalBytes: file.size, file: url.path) }
    return (file, entries, dataStart)
  }

  static func code(of dtype: NPYArray.DType) -> String {
    switch dtype {
    case .float32: "F32"
    case .float64: "F64"
    case .int8: "I8"
    case .int16: "I16"
    case .int32: "I32"
    case .int64: "I64"
    case .uint8: "U8"
    case .bool: "BOOL"
    }
  }

  static func dtype(ofCode code: String) -> NPYArray.DType? {
    NPYArray.DType.allCases.first { self.code(of: $0) == code }
  }

  /// The JSON header: tensor entries by name, and the optional `__metadata__` map.
  private struct Header: Decodable {
    struct Entry: Decodable {
      let dtype: String
      let shape: [Int]
      // swift-format-ignore: AlwaysUseLowerCamelCase
      let data_offsets: [Int]  // the JSON key
    }
    struct Key: CodingKey {
      let stringValue: String
      var intValue: Int? { nil }
      init(stringValue: String) { self.stringValue = stringValue }
      init?(intValue: Int) { nil }
    }
    var entries: [String: Entry] = [:]
    var metadata: [String: String] = [:]

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: Key.self)
      for key in container.allKeys {
        if key.stringValue == "__metadata__" {
          metadata = try container.decodeIfPresent([String: String].self, forKey: key) ?? [:]
        } else {
          entries[key.stringValue] = try container.decode(Entry.self, forKey: key)
        }
      }
    }
  }

  /// A short account of a JSON decoding failure: where in the header, and what.
  private static func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
      let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "'\($0.stringValue)'" }
      return keys.isEmpty ? "" : " at " + keys.joined(separator: " ")
    }
    switch error {
    case let .dataCorrupted(context): return "not valid JSON\(path(context))"
    case let .keyNotFound(key, context): return "missing key '\(key.stringValue)'\(path(context))"
    case let .typeMismatch(_, context), let .valueNotFound(_, context):
      return "wrong value type\(path(context)) (\(context.debugDescription))"
    @unknown default: return "not a valid header"
    }
  }

  /// `s` as a JSON string literal.
  static func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
