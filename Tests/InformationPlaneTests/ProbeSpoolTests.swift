import Foundation
import Tensor
import Testing

@testable import InformationPlane

@Suite struct ProbeSpoolTests {
  /// Batches appended in order come back as one tensor, the same from memory and from a scratch file; rows past
  /// `rows` are dropped and the scratch file is gone once the layer is taken.
  @Test func fileAndMemoryGiveTheSameLayer() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-" + UUID().uuidString)
    defer { try? FileManager.default.removeItem(at: directory) }
    var rng = Xoshiro256(seed: 5)
    let batches = (0..<4).map { _ in Tensor.uniform([3, 2, 5], low: -1, high: 1, using: &rng) }
    let inMemory = ProbeSpool(directory: directory, rows: 10)
    let onDisk = ProbeSpool(directory: directory, rows: 10, memoryLimit: 0)
    for (b, batch) in batches.enumerated() {
      try inMemory.append("layer", batch, start: 3 * b)
      try onDisk.append("layer", batch, start: 3 * b)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 1)
    let expected = Array(batches.flatMap(\.scalars).prefix(10 * 10))
    let a = try #require(try inMemory.take("layer"))
    let b = try #require(try onDisk.take("layer"))
    #expect(a.shape == [10, 2, 5] && a.scalars == expected && b == a)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    #expect(try onDisk.take("layer") == nil)
  }
}
