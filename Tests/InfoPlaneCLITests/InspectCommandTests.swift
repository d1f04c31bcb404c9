import Foundation
import InfoPlane
import Testing

@testable import infoplane

@Suite struct InspectCommandTests {
  private static func directory() throws -> URL { try CLITest.directory("inspect") }

  private static func inspect(_ arguments: [String]) throws -> String {
    let command = try InfoPlaneCommand.parseAsRoot(["inspect"] + arguments)
    return try #require(command as? InspectCommand).output()
  }

  @Test func printsFormatDTypeShapeAndColumnStatistics() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("x.npy")
    try NPY.write(NPYArray(Matrix([[1, 10], [3, 20], [5, 60]])), to: file)
    let text = try Self.inspect([file.path])
    #expect(text.contains("format   NPY\n"))
    #expect(text.contains("dtype    float64\n"))
    #expect(text.contains("shape    [3, 2]\n"))
    #expect(text.contains("values   6   min 1   mean 16.5   max 60\n"))
    #expect(text.contains("  0          1      3     5\n"))
    #expect(text.contains("  1         10     30    60\n"))
  }

  @Test func summarisesImagesAsRowsTimesFeatures() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("train-images-idx3-ubyte.gz")
    try IDX.write(NPYArray(shape: [4, 2, 3], storage: .uint8((0..<24).map { UInt8($0 * 10) })), to: file)
    let text = try Self.inspect([file.path])
    #expect(text.contains("format   IDX (gzip)\n"))
    #expect(text.contains("shape    [4, 2, 3]  (4 rows × 6 features)\n"))
    #expect(text.contains("values   24   min 0   mean 115   max 230\n"))
    #expect(!text.contains("column"))
  }

  @Test func printsOneJSONObjectWithSortedKeys() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("ckpt.safetensors")
    try SafeTensors.write(
      ["w": NPYArray(shape: [2, 2], storage: .float32([1, .nan, 3, 5])), "b": NPYArray(labels: [7])],
      metadata: ["epoch": "4"], to: file)
    let text = try Self.inspect([file.path, "--json"])
    #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1)
    #expect(text.hasPrefix(#"{"arrays":[{"columns":null,"count":1,"dtype":"int32","finite_count":1,"max":7,"#))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["format"] as? String == "safetensors")
    #expect(object["metadata"] as? [String: String] == ["epoch": "4"])
    let arrays = try #require(object["arrays"] as? [[String: Any]])
    #expect(arrays.map { $0["name"] as? String } == ["b", "w"])
    #expect(arrays[1]["non_finite_count"] as? Int == 1)
    #expect(arrays[1]["mean"] as? Double == 3)
    let columns = try #require(arrays[1]["columns"] as? [[String: Any]])
    #expect(columns[1]["finite_count"] as? Int == 1 && columns[1]["max"] as? Double == 5)
  }

  @Test func badFilesAreUserErrorsWithTheMessage() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("bad.npy")
    try Data("not an npy file".utf8).write(to: file)
    for path in [file.path, directory.appendingPathComponent("missing.csv").path] {
      let error = try #require(throws: DatasetsError.self) { try Self.inspect([path]) }
      #expect(exitStatus(for: error) == 2)
      #expect(InfoPlaneCommand.fullMessage(for: error).contains(path))
    }
  }

  @Test func rejectsANegativeColumnLimit() {
    #expect(throws: (any Error).self) { try InfoPlaneCommand.parseAsRoot(["inspect", "x.npy", "--max-columns", "-1"]) }
  }
}
