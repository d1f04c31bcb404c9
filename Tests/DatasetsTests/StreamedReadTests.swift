import Foundation
import Tensor
import Testing

@testable import Datasets

/// The chunked readers `analyze` uses for large layer files give what the whole-file readers give, and the same
/// errors for damaged files.
@Suite struct StreamedReadTests {
  static func file(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("streamed-\(UUID().uuidString)-\(name)")
  }

  @Test(arguments: [NPYArray.DType.float32, .float64, .uint8, .int64, .bool])
  func npyTensorsMatchTheWholeFileReader(dtype: NPYArray.DType) throws {
    let url = Self.file("a.npy")
    defer { try? FileManager.default.removeItem(at: url) }
    // More than one 8 MiB conversion chunk for the wide types: 3 × 400 000 elements.
    let count = 1_200_000
    let storage: NPYArray.Storage =
      switch dtype {
      case .float32: .float32((0..<count).map { Float($0) * 0.25 - 7 })
      case .float64: .float64((0..<count).map { Double($0) * 0.5 - 3 })
      case .uint8: .uint8((0..<count).map { UInt8($0 % 256) })
      case .int64: .int64((0..<count).map { Int64($0) - 600_000 })
      default: .bool((0..<count).map { $0 % 3 == 0 })
      }
    try NPY.write(NPYArray(shape: [3, 400_000], storage: storage), to: url)
    let streamed = try NPY.readTensor(contentsOf: url)
    #expect(streamed == (try NPY.read(contentsOf: url).tensor()))
    #expect(streamed.shape == [3, 400_000])
  }

  @Test func damagedNPYFilesFailAsBefore() throws {
    let url = Self.file("b.npy")
    defer { try? FileManager.default.removeItem(at: url) }
    let bytes = NPY.encode(NPYArray(shape: [4, 5], storage: .float32((0..<20).map(Float.init))))
    for damaged in [Array(bytes.dropLast(3)), bytes + [0, 0, 0, 0], Array(bytes.prefix(9)), Array(bytes.prefix(40))] {
      try Data(damaged).write(to: url)
      let whole = try #require(throws: DatasetsError.self) { try NPY.read(contentsOf: url) }
      let streamed = try #require(throws: DatasetsError.self) { try NPY.readTensor(contentsOf: url) }
      #expect(streamed == whole)
    }
    #expect(throws: DatasetsError.fileNotFound(file: "/nonexistent.npy")) {
      try NPY.readTensor(contentsOf: URL(fileURLWithPath: "/nonexistent.npy"))
    }
  }

  @Test func safetensorsTensorsOneAtATime() throws {
    let url = Self.file("c.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let tensors: [String: NPYArray] = [
      "layer1": NPYArray(shape: [3, 2, 2], storage: .float32((0..<12).map { Float($0) / 3 })),
      "layer2": NPYArray(shape: [3, 4], storage: .float64((0..<12).map { Double($0) - 5.5 })),
      "head": NPYArray(shape: [3], storage: .int32([7, -1, 2])),
    ]
    try SafeTensors.write(tensors, to: url)
    #expect(try SafeTensors.tensorNames(in: url) == ["head", "layer1", "layer2"])
    for (name, array) in tensors { #expect(try SafeTensors.readTensor(named: name, in: url) == array.tensor()) }
    #expect(throws: DatasetsError.self) { try SafeTensors.readTensor(named: "layer3", in: url) }
    // A truncated file is rejected from its header, as by the whole-file reader.
    let bytes = try Data(contentsOf: url)
    try bytes.dropLast(4).write(to: url)
    let whole = try #require(throws: DatasetsError.self) { try SafeTensors.read(contentsOf: url) }
    let streamed = try #require(throws: DatasetsError.self) { try SafeTensors.tensorNames(in: url) }
    #expect(streamed == whole)
  }
}
