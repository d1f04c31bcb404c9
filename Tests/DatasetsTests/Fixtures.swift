import Foundation
import Tensor

@testable import Datasets

/// The fixture files of Resources/ (written by bench/datasets/make_fixtures.py) and the values they hold.
enum Fixtures {
  /// The copied Resources directory.
  static let directory: URL =
    Bundle.module.url(forResource: "Resources", withExtension: nil)
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")

  static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

  /// The (3, 4) array of `dtype` that make_fixtures.py writes: element i by its `values(dtype)` formula.
  static func values(_ dtype: NPYArray.DType) -> NPYArray {
    let i = Array(0..<12)
    let storage: NPYArray.Storage =
      switch dtype {
      case .float32: .float32(i.map { Float($0) * 0.25 - 1.5 })
      case .float64: .float64(i.map { Double($0) / 7 - 0.5 })
      case .int8: .int8(i.map { Int8($0 - 6) })
      case .int16: .int16(i.map { Int16($0 * 1000 - 6000) })
      case .int32: .int32(i.map { Int32($0 * 100_000 - 600_000) })
      case .int64: .int64(i.map { Int64($0) * 1_000_000_000_000 - 6_000_000_000_000 })
      case .uint8: .uint8(i.map { UInt8($0 * 20) })
      case .bool: .bool(i.map { $0 % 3 == 0 })
      }
    return NPYArray(shape: [3, 4], storage: storage)
  }

  /// An array of `dtype` and `shape` with random bits: floats include NaNs with payloads, ±Inf, −0 and subnormals.
  static func random(_ dtype: NPYArray.DType, shape: [Int], seed: UInt64) -> NPYArray {
    var rng = Xoshiro256(seed: seed)
    let n = shape.reduce(1, *)
    func bits() -> UInt64 { rng.next() }
    let storage: NPYArray.Storage =
      switch dtype {
      case .float32: .float32((0..<n).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: bits())) })
      case .float64: .float64((0..<n).map { _ in Double(bitPattern: bits()) })
      case .int8: .int8((0..<n).map { _ in Int8(truncatingIfNeeded: bits()) })
      case .int16: .int16((0..<n).map { _ in Int16(truncatingIfNeeded: bits()) })
      case .int32: .int32((0..<n).map { _ in Int32(truncatingIfNeeded: bits()) })
      case .int64: .int64((0..<n).map { _ in Int64(bitPattern: bits()) })
      case .uint8: .uint8((0..<n).map { _ in UInt8(truncatingIfNeeded: bits()) })
      case .bool: .bool((0..<n).map { _ in bits() & 1 == 1 })
      }
    return NPYArray(shape: shape, storage: storage)
  }

  /// Bitwise equality of dtype, shape and every element (NaN payloads included), through the `.npy` encoding.
  static func identical(_ a: NPYArray, _ b: NPYArray) -> Bool {
    NPY.encode(a) == NPY.encode(b)
  }
}

/// A fresh directory under the system temporary directory, removed when the value is released.
final class TemporaryDirectory {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("infoplane-datasets-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func file(_ name: String) -> URL { url.appendingPathComponent(name) }

  /// Names of the entries in the directory (to check that no temporary file is left behind).
  func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }

  deinit { try? FileManager.default.removeItem(at: url) }
}

/// Runs reference checks in the system's python3, for interoperability tests.
enum Python {
  /// Whether `python3` runs and can import `module`.
  static func canImport(_ module: String) -> Bool {
    (try? run("import \(module)").status) == 0
  }

  /// Runs `script` with `arguments` in `python3`; returns the exit status and stdout + stderr.
  static func run(_ script: String, arguments: [String] = []) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
