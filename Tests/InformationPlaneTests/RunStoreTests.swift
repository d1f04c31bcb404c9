import Foundation
import Testing

@testable import InformationPlane

@Suite struct RunStoreTests {
  func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("runstore-\(UUID().uuidString)")
  }

  func metrics(_ epoch: Int) -> EpochSummary {
    EpochSummary(
      epoch: epoch, trainLoss: 1.0 / Double(epoch), trainAccuracy: 0.5, testLoss: 0.9, testAccuracy: 0.6,
      testROCAUC: 0.8, seconds: 1.25)
  }

  @Test func tablesRoundTripExactly() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try RunStore.create(at: dir, config: Data("{}".utf8))
    let info = [
      LayerInformation(
        epoch: 1, layer: "a,b", ixl: 2.5, ixlStandardError: 0.01, ily: 1.1, ilyStandardError: 0.02,
        ixlSmoothed: 2.4, ilySmoothed: .nan),
      LayerInformation(
        epoch: 2, layer: "a,b", ixl: 0.1 + 0.2, ixlStandardError: 1e-17, ily: -0.5, ilyStandardError: 0,
        flags: ["I_LY:below-zero", "I_XL:ksg-fallback"]),
    ]
    for e in 1...2 { try Data().write(to: store.checkpointURL(epoch: e)) }
    try store.write(metrics: [metrics(1), metrics(2)], information: info)
    let loaded = try store.load()
    #expect(loaded.metrics == [metrics(1), metrics(2)])
    #expect(loaded.information.count == 2)
    #expect(loaded.information[0].ixlSmoothed == 2.4 && loaded.information[0].ilySmoothed.isNaN)
    #expect(loaded.information[1].layer == "a,b")
    #expect(loaded.information[1].ixl == 0.1 + 0.2 && loaded.information[1].ixlStandardError == 1e-17)
    #expect(
      loaded.information[0].flags.isEmpty && loaded.information[1].flags == ["I_LY:below-zero", "I_XL:ksg-fallback"])
    #expect(loaded.information[1].ilyFlagged && !loaded.information[1].ixlFlagged)
  }

  /// Runs written before the flags column load unchanged, without flags.
  @Test func readsTablesWithoutFlagsColumn() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try RunStore.create(at: dir, config: Data("{}".utf8))
    try Data().write(to: store.checkpointURL(epoch: 1))
    try store.write(metrics: [metrics(1)], information: [])
    try Data("epoch,layer,I_XL,I_XL_se,I_LY,I_LY_se,I_XL_smoothed,I_LY_smoothed\n1,l,1.5,0.1,0.5,0.01,,\n".utf8)
      .write(to: store.informationURL)
    let loaded = try store.load()
    #expect(loaded.information.count == 1 && loaded.information[0].ixl == 1.5 && loaded.information[0].flags.isEmpty)
  }

  /// An epoch without its checkpoint (killed between writing tables and checkpoint) is not complete.
  @Test func epochsWithoutCheckpointAreDropped() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try RunStore.create(at: dir, config: Data("{}".utf8))
    try Data().write(to: store.checkpointURL(epoch: 1))
    try store.write(
      metrics: [metrics(1), metrics(2)],
      information: [
        LayerInformation(epoch: 1, layer: "l", ixl: 1, ixlStandardError: 0, ily: 1, ilyStandardError: 0),
        LayerInformation(epoch: 2, layer: "l", ixl: 1, ixlStandardError: 0, ily: 1, ilyStandardError: 0),
      ])
    let loaded = try store.load()
    #expect(loaded.metrics.map(\.epoch) == [1])
    #expect(loaded.information.map(\.epoch) == [1])
  }

  @Test func refusesToOverwriteARun() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try RunStore.create(at: dir, config: Data("{}".utf8))
    #expect(throws: InformationPlaneError.directoryNotEmpty(dir.path)) {
      try RunStore.create(at: dir, config: Data("{}".utf8))
    }
    #expect(throws: InformationPlaneError.notARun(dir.appendingPathComponent("nope").path)) {
      try RunStore.open(dir.appendingPathComponent("nope"))
    }
  }

  @Test func pruningKeepsRecentCheckpoints() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try RunStore.create(at: dir, config: Data("{}".utf8))
    for e in 1...6 { try Data().write(to: store.checkpointURL(epoch: e)) }
    try store.pruneCheckpoints(after: 4, keep: 2)
    let left = try FileManager.default.contentsOfDirectory(atPath: store.checkpointsURL.path).sorted()
    #expect(left == ["epoch-0003.safetensors", "epoch-0004.safetensors"])
  }
}

@Suite struct RunStoreResumePointTests {
  /// Only the newest checkpoints are kept: earlier epochs count as complete through their rows alone.
  @Test func earlierEpochsNeedNoCheckpoint() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runstore-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try RunStore.create(at: dir, config: Data("{}".utf8))
    let rows = (1...4).map {
      EpochSummary(epoch: $0, trainLoss: 1, trainAccuracy: 0, testLoss: 1, testAccuracy: 0, testROCAUC: 0.5, seconds: 0)
    }
    let information = (1...4).map {
      LayerInformation(epoch: $0, layer: "l", ixl: 1, ixlStandardError: 0, ily: 1, ilyStandardError: 0)
    }
    try Data().write(to: store.checkpointURL(epoch: 3))
    try store.write(metrics: rows, information: information)
    #expect(try store.load().metrics.map(\.epoch) == [1, 2, 3])
  }
}
