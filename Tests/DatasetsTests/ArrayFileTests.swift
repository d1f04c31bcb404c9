import Foundation
import Testing

@testable import Datasets

@Suite struct ArrayFileTests {
  @Test(arguments: [
    ("float32.npy", ArrayFile.Format.npy, false), ("float64-v2.npy", .npy, false), ("with-header.csv", .csv, false),
    ("int16.idx", .idx, false), ("uint8.idx.gz", .idx, true), ("checkpoint.safetensors", .safetensors, false),
    ("mini-mnist/t10k-images-idx3-ubyte", .idx, false), ("mini-mnist/train-labels-idx1-ubyte.gz", .idx, true),
  ])
  func opensEveryFormatByName(name: String, format: ArrayFile.Format, compressed: Bool) throws {
    let file = try ArrayFile.read(contentsOf: Fixtures.url(name))
    #expect(file.format == format)
    #expect(file.compressed == compressed)
    #expect(!file.arrays.isEmpty)
  }

  /// Without a telling extension the first bytes decide.
  @Test(arguments: [
    ("float32.npy", ArrayFile.Format.npy), ("int16.idx", .idx), ("checkpoint.safetensors", .safetensors),
    ("no-header.csv", .csv), ("uint8.idx.gz", .idx),
  ])
  func sniffsTheFormatFromTheFirstBytes(name: String, format: ArrayFile.Format) throws {
    let file = try ArrayFile.decode(Data(contentsOf: Fixtures.url(name)), file: "/tmp/data.bin")
    #expect(file.format == format)
  }

  @Test func keepsNamesMetadataAndHeader() throws {
    let checkpoint = try ArrayFile.read(contentsOf: Fixtures.url("checkpoint.safetensors"))
    #expect(
      checkpoint.arrays.map(\.name) == [
        "bool", "float32", "float64", "int16", "int32", "int64", "int8", "uint8", "vector",
      ])
    #expect(checkpoint.metadata["epoch"] == "3")
    let csv = try ArrayFile.read(contentsOf: Fixtures.url("with-header.csv"))
    #expect(csv.columnNames == ["a", "b", "c", "d"])
    #expect(csv.arrays == [.init(name: "with-header.csv", array: NPYArray(Fixtures.values(.float64).matrix()))])
  }

  @Test func reportsUnknownFormatsAndMissingFiles() throws {
    #expect(throws: DatasetsError.unknownFormat(file: "/x/blob")) {
      try ArrayFile.decode(Data([0xFF, 0xFE, 0, 1]), file: "/x/blob")
    }
    #expect(throws: DatasetsError.self) { try ArrayFile.decode(Data("not gzip".utf8), file: "/x/a.npy.gz") }
    let bad = try #require(throws: DatasetsError.self) { try ArrayFile.decode(Data("hello".utf8), file: "/x/a.npy") }
    guard case .badMagic = bad else { Issue.record("got \(bad)"); return }
    let missing = URL(fileURLWithPath: "/nonexistent/file.npy")
    #expect(throws: DatasetsError.fileNotFound(file: "/nonexistent/file.npy")) {
      try ArrayFile.read(contentsOf: missing)
    }
    #expect(throws: DatasetsError.self) { try ArrayFile.read(contentsOf: Fixtures.directory) }
  }
}

@Suite struct ArraySummaryTests {
  @Test func summarisesOverallAndPerColumn() {
    let summary = ArraySummary(NPYArray(shape: [3, 2], storage: .float64([1, 10, 2, .nan, 6, 30])))
    #expect(summary.nonFiniteCount == 1)
    #expect(summary.overall == .init(count: 5, min: 1, mean: 49.0 / 5, max: 30))
    #expect(summary.columns == [.init(count: 3, min: 1, mean: 3, max: 6), .init(count: 2, min: 10, mean: 20, max: 30)])
  }

  @Test func summarisesHigherRanksOverallOnly() {
    let summary = ArraySummary(NPYArray(shape: [2, 2, 2], storage: .uint8([0, 1, 2, 3, 4, 5, 6, 255])))
    #expect(summary.columns == nil)
    #expect(summary.overall == .init(count: 8, min: 0, mean: 276.0 / 8, max: 255))
    let empty = ArraySummary(NPYArray(shape: [0, 3], storage: .bool([])))
    #expect(empty.overall == .init(count: 0, min: nil, mean: nil, max: nil))
    #expect(empty.columns == nil)
  }

  /// Values near the largest Float64 overflow a plain sum (inspect printed `mean inf` and `--json` failed): the
  /// mean is then the running mean, finite and right.
  @Test func meansOfHugeValuesAreFinite() throws {
    let big = Double.greatestFiniteMagnitude
    let summary = ArraySummary(NPYArray(shape: [2, 2], storage: .float64([big, -big, big, -big])))
    #expect(summary.columns?.map(\.mean) == [big, -big])
    let overall = try #require(summary.overall.mean)
    #expect(overall.isFinite && abs(overall) <= 1e-300 * big)
    let near = ArraySummary(NPYArray(shape: [3], storage: .float64([0.9 * big, 0.9 * big, 0.6 * big])))
    #expect(abs(try #require(near.overall.mean) / big - 0.8) < 1e-12)
  }
}
