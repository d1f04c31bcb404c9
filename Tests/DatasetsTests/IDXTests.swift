import Foundation
import Testing

@testable import Datasets

@Suite struct IDXTests {
  static let idxTypes: [NPYArray.DType] = [.uint8, .int8, .int16, .int32, .float32, .float64]

  @Test(arguments: idxTypes)
  func readsAndReproducesPythonWrittenFiles(dtype: NPYArray.DType) throws {
    let file = Fixtures.url("\(dtype.rawValue).idx")
    #expect(try IDX.read(contentsOf: file) == Fixtures.values(dtype))
    #expect(try IDX.encode(Fixtures.values(dtype)) == [UInt8](try Data(contentsOf: file)))
  }

  /// A .gz whose IDX header declares 12×3 doubles but which inflates to 64 MiB of zeros (a decompression bomb) is
  /// rejected after the first inflated mebibyte, not after inflating all of it.
  @Test func aGzipBombStopsAtTheDeclaredSize() throws {
    var bytes: [UInt8] = [0, 0, 0x0E, 2, 0, 0, 0, 12, 0, 0, 0, 3]
    bytes += [UInt8](repeating: 0, count: 64 << 20)
    let bomb = try Gzip.compress(bytes, level: 9, file: "bomb.idx.gz")
    #expect(bomb.count < 1 << 20)
    #expect {
      _ = try IDX.decode(Data(bomb), file: "bomb.idx.gz")
    } throws: { error in
      guard case let DatasetsError.corruptGzip(file, reason) = error else { return false }
      let stopped = Int(reason.split(separator: " ").last { Int($0) != nil } ?? "") ?? .max
      return file == "bomb.idx.gz" && reason.contains("more than the 300 bytes its header declares")
        && stopped <= 2 << 20
    }
    // The declared size: header 12 bytes + 12·3·8; nil before the header is complete.
    #expect(IDX.declaredSize([0, 0, 0x0E, 2, 0, 0, 0, 12, 0, 0, 0, 3]) == 300)
    #expect(IDX.declaredSize([0, 0, 0x0E, 2, 0, 0]) == nil)
    #expect(IDX.declaredSize([0, 0, 0x08, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255]) != nil)
    #expect(IDX.declaredSize([1, 2, 3, 4]) == Int.max)
    // Read as any array file (inspect, estimate), whatever the name says.
    for name in ["bomb.idx.gz", "bomb.gz", "train-images-idx3-ubyte.gz"] {
      #expect {
        _ = try ArrayFile.decode(Data(bomb), file: name)
      } throws: { "\($0)".contains("its header declares") }
    }
    // The same for a .npy.gz: a 2×3 float64 header followed by 64 MiB.
    var npy = NPY.encode(NPYArray(shape: [2, 3], storage: .float64([1, 2, 3, 4, 5, 6])))
    #expect(NPY.declaredSize(npy) == npy.count)
    #expect(NPY.declaredSize(Array(npy.prefix(20))) == nil)
    npy += [UInt8](repeating: 0, count: 64 << 20)
    let npyBomb = try Gzip.compress(npy, level: 9, file: "bomb.npy.gz")
    #expect {
      _ = try ArrayFile.decode(Data(npyBomb), file: "bomb.npy.gz")
    } throws: { error in
      guard case let DatasetsError.corruptGzip(_, reason) = error else { return false }
      return reason.contains("its header declares")
    }
  }

  @Test func readsGzipCompressedFiles() throws {
    #expect(try IDX.read(contentsOf: Fixtures.url("uint8.idx.gz")) == Fixtures.values(.uint8))
  }

  @Test(arguments: idxTypes, ["a.idx", "a.idx.gz"])
  func roundTripsExactly(dtype: NPYArray.DType, name: String) throws {
    let directory = try TemporaryDirectory()
    let array = Fixtures.random(dtype, shape: [4, 3, 2], seed: 5)
    try IDX.write(array, to: directory.file(name))
    let bytes = try Data(contentsOf: directory.file(name))
    #expect((bytes[0] == 0x1F) == name.hasSuffix(".gz"))
    #expect(Fixtures.identical(try IDX.read(contentsOf: directory.file(name)), array))
  }

  @Test func refusesTypesIDXCannotHold() {
    #expect(throws: DatasetsError.self) { try IDX.encode(Fixtures.values(.int64)) }
    #expect(throws: DatasetsError.self) { try IDX.encode(Fixtures.values(.bool)) }
  }

  @Test func rejectsBadMagicUnknownTypesAndLyingHeaders() throws {
    #expect(throws: DatasetsError.badMagic(file: "f", format: "IDX", found: "0x01 0x00 0x08 0x01")) {
      try IDX.decode(Data([1, 0, 8, 1]), file: "f")
    }
    let unknown = try #require(throws: DatasetsError.self) {
      try IDX.decode(Data([0, 0, 0x0A, 1, 0, 0, 0, 0]), file: "f")
    }
    guard case .unsupportedDType = unknown else { Issue.record("got \(unknown)"); return }
    #expect(throws: DatasetsError.truncated(file: "f", expectedBytes: 11, actualBytes: 10)) {
      try IDX.decode(Data([0, 0, 8, 1, 0, 0, 0, 3, 1, 2]), file: "f")
    }
    #expect(throws: DatasetsError.trailingBytes(file: "f", expectedBytes: 9, actualBytes: 10)) {
      try IDX.decode(Data([0, 0, 8, 1, 0, 0, 0, 1, 1, 2]), file: "f")
    }
    // Eight extents of 2³² − 1 overflow Int: an error, not a trap or a huge allocation.
    let huge = Data([0, 0, 0x0E, 8] + [UInt8](repeating: 0xFF, count: 32))
    let overflow = try #require(throws: DatasetsError.self) { try IDX.decode(huge, file: "f") }
    guard case .invalidShape = overflow else { Issue.record("got \(overflow)"); return }
    // A plausible but too large shape is checked against the file length before anything is allocated.
    #expect(throws: DatasetsError.truncated(file: "f", expectedBytes: 12 + 64_000 * 16_000, actualBytes: 12)) {
      try IDX.decode(Data([0, 0, 8, 2, 0, 0, 0xFA, 0, 0, 0, 0x3E, 0x80]), file: "f")
    }
  }
}

@Suite struct GzipTests {
  @Test(arguments: [0, 1, 1000, 300_000])
  func roundTrips(count: Int) throws {
    let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 / 3) }
    let compressed = try Gzip.compress(bytes, file: "g")
    #expect(compressed.starts(with: [0x1F, 0x8B]))
    #expect(try compressed.withUnsafeBytes { try Gzip.decompress($0, file: "g") } == bytes)
  }

  @Test func readsConcatenatedMembers() throws {
    let joined = try Gzip.compress(Array("abc".utf8), file: "g") + Gzip.compress(Array("def".utf8), file: "g")
    #expect(try joined.withUnsafeBytes { try Gzip.decompress($0, file: "g") } == Array("abcdef".utf8))
  }

  @Test func rejectsTruncatedAndCorruptStreams() throws {
    let compressed = try Gzip.compress((0..<5000).map { UInt8($0 % 251) }, file: "g")
    let truncated = Array(compressed.dropLast(20))
    #expect(
      throws: DatasetsError.corruptGzip(file: "g", reason: "the file ends inside the compressed stream (truncated)")
    ) {
      try truncated.withUnsafeBytes { try Gzip.decompress($0, file: "g") }
    }
    var corrupt = compressed
    corrupt[compressed.count - 6] ^= 0xFF  // inside the CRC-32 trailer
    let error = try #require(throws: DatasetsError.self) {
      try corrupt.withUnsafeBytes { try Gzip.decompress($0, file: "g") }
    }
    guard case .corruptGzip = error else { Issue.record("got \(error)"); return }
    #expect(error.description.contains("gzip -t"))
    let trailing = compressed + [1, 2, 3]
    #expect(throws: DatasetsError.self) { try trailing.withUnsafeBytes { try Gzip.decompress($0, file: "g") } }
  }
}
