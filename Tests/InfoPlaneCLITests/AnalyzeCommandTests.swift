import Foundation
@_spi(Benchmarks) import InfoPlane
import Testing

@testable import infoplane

@Suite struct AnalyzeCommandTests {
  /// Writes the `analyze` layout: 600 inputs in 10-D, 3 classes, 2 epochs × 2 layers.
  static func makeLayout() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("infoplane-analyze-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var rng = Xoshiro256(seed: 1)
    let n = 600
    let inputs = Tensor.normal([n, 10], using: &rng)
    let labels = (0..<n).map { Int32($0 % 3) }
    try NPY.write(NPYArray(inputs), to: dir.appendingPathComponent("inputs.npy"))
    try NPY.write(
      NPYArray(shape: [n], storage: .int64(labels.map(Int64.init))), to: dir.appendingPathComponent("labels.npy"))
    for epoch in 1...2 {
      let folder = dir.appendingPathComponent(String(format: "epoch-%04d", epoch))
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      // layer_a copies the first 6 input features with noise; layer_b encodes the label plus noise.
      var a = [Float](repeating: 0, count: n * 6)
      var b = [Float](repeating: 0, count: n * 3)
      for i in 0..<n {
        for j in 0..<6 { a[i * 6 + j] = inputs.scalars[i * 10 + j] + 0.3 * Float(rng.nextGaussian()) }
        for j in 0..<3 { b[i * 3 + j] = (Int(labels[i]) == j ? 2 : 0) + Float(rng.nextGaussian()) }
      }
      try NPY.write(NPYArray(Tensor(shape: [n, 6], scalars: a)), to: folder.appendingPathComponent("layer_a.npy"))
      try NPY.write(NPYArray(Tensor(shape: [n, 3], scalars: b)), to: folder.appendingPathComponent("layer_b.npy"))
    }
    return dir
  }

  @Test func writesMITableAndReport() throws {
    let dir = try Self.makeLayout()
    defer { try? FileManager.default.removeItem(at: dir) }
    let command = try #require(try InfoPlaneCommand.parseAsRoot(["analyze", dir.path, "--quiet"]) as? AnalyzeCommand)
    try command.run()
    let csv = try String(contentsOf: dir.appendingPathComponent("mi.csv"), encoding: .utf8)
    let lines = csv.split(separator: "\n")
    #expect(lines.first == "epoch,layer,I_XL,I_XL_se,I_LY,I_LY_se,I_XL_smoothed,I_LY_smoothed,flags")
    #expect(lines.count == 1 + 4)
    let report = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.contains("layer_a") && report.contains("layer_b"))
    // layer_a carries much information about X, layer_b about Y.
    let rows = lines.dropFirst().map { $0.split(separator: ",").map(String.init) }
    let a = rows.first { $0[1] == "layer_a" }!, b = rows.first { $0[1] == "layer_b" }!
    #expect(Double(a[2])! > Double(b[2])! + 0.5)
    #expect(Double(b[4])! > Double(a[4])! + 0.3)
    // The default estimator: I(L;Y) never above the label entropy ln 3, nothing flagged. layer_b is independent of X
    // (truth 0): where WKL reads below zero there, `auto` gives KSG's estimate (≈ 0) and says so — not a flag.
    #expect(rows.allSatisfy { Double($0[4])! <= log(3.0) })
    #expect(rows.allSatisfy { $0.count == 8 || ($0.count == 9 && $0[8] == "I_XL:ksg-fallback" && $0[1] == "layer_b") })
    for row in rows where row.count == 9 { #expect(abs(Double(row[2])!) <= 4 * Double(row[3])!, "\(row)") }
  }

  /// Nothing is flagged on these well-behaved layers: every row's flags field (the last column) is empty or only
  /// says that `auto` used KSG (layer_b, independent of X, where WKL reads below zero).
  @Test func flagsColumnIsEmptyWhenNothingIsFlagged() throws {
    let dir = try Self.makeLayout()
    defer { try? FileManager.default.removeItem(at: dir) }
    let command = try #require(try InfoPlaneCommand.parseAsRoot(["analyze", dir.path, "--quiet"]) as? AnalyzeCommand)
    try command.run()
    let csv = try String(contentsOf: dir.appendingPathComponent("mi.csv"), encoding: .utf8)
    #expect(
      csv.split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix(",") || $0.hasSuffix(",I_XL:ksg-fallback") })
  }

  /// The same activations saved as one safetensors file per epoch (as `safetensors.numpy.save_file` writes them)
  /// give the same table, bit for bit; an epoch given in both forms is refused.
  @Test func safetensorsEpochsGiveTheSameTable() throws {
    let dir = try Self.makeLayout()
    defer { try? FileManager.default.removeItem(at: dir) }
    var command = try InfoPlaneCommand.parseAsRoot(["analyze", dir.path, "--quiet"])
    try command.run()
    let fromNPY = try String(contentsOf: dir.appendingPathComponent("mi.csv"), encoding: .utf8)
    for epoch in 1...2 {
      let folder = dir.appendingPathComponent(String(format: "epoch-%04d", epoch))
      var tensors: [String: NPYArray] = [:]
      for layer in ["layer_a", "layer_b"] {
        tensors[layer] = try NPY.read(contentsOf: folder.appendingPathComponent(layer + ".npy"))
      }
      try SafeTensors.write(tensors, to: dir.appendingPathComponent(String(format: "epoch-%04d.safetensors", epoch)))
      if epoch == 1 {  // both forms of epoch 1 at once
        #expect(throws: InformationPlaneError.self) { try ActivationAnalysis.layout(of: dir) }
      }
      try FileManager.default.removeItem(at: folder)
    }
    try FileManager.default.removeItem(at: dir.appendingPathComponent("mi.csv"))
    command = try InfoPlaneCommand.parseAsRoot(["analyze", dir.path, "--quiet"])
    try command.run()
    #expect(try String(contentsOf: dir.appendingPathComponent("mi.csv"), encoding: .utf8) == fromNPY)
  }

  @Test func missingLabelsExitWithStatusTwo() throws {
    let dir = try Self.makeLayout()
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.removeItem(at: dir.appendingPathComponent("labels.npy"))
    var command = try InfoPlaneCommand.parseAsRoot(["analyze", dir.path, "--quiet"])
    let error = try #require(throws: InformationPlaneError.self) { try command.run() }
    #expect(error.description.contains("labels.npy"))
    #expect(exitStatus(for: error) == 2)
  }
}
