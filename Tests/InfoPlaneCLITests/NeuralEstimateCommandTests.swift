import Foundation
@_spi(Benchmarks) import InfoPlane
import Testing

@testable import infoplane

/// `estimate --estimator mine|nwj|infonce` and `infoplane bmi`, the bmi benchmark's external-estimator protocol.
@Suite struct NeuralEstimateCommandTests {
  /// A sample in bmi's `save_sample` layout: header X0…X{dx−1},Y0…Y{dy−1}, one row per sample, no index; 2 + 2
  /// Gaussian coordinates with correlation ρ per pair, I = −log(1 − ρ²) nats.
  static func bmiSample(n: Int, rho: Double, in directory: URL) throws -> URL {
    var rng = Xoshiro256(seed: 11)
    var text = "X0,X1,Y0,Y1\n"
    for _ in 0..<n {
      let a = (rng.nextGaussian(), rng.nextGaussian())
      let b = (
        rho * a.0 + (1 - rho * rho).squareRoot() * rng.nextGaussian(),
        rho * a.1 + (1 - rho * rho).squareRoot() * rng.nextGaussian()
      )
      text += "\(a.0),\(a.1),\(b.0),\(b.1)\n"
    }
    let url = directory.appendingPathComponent("sample.csv")
    try Data(text.utf8).write(to: url)
    return url
  }

  /// The process prints the number and nothing else (bmi merges stderr into what it parses), and the number is
  /// KSG's estimate of the closed-form MI within 4 of its standard errors (0.02 nats at n = 4000).
  @Test func bmiPrintsOnlyTheNumber() throws {
    let dir = try CLITest.directory("bmi")
    defer { try? FileManager.default.removeItem(at: dir) }
    let rho = 0.8
    let truth = -log(1 - rho * rho)
    let sample = try Self.bmiSample(n: 4000, rho: rho, in: dir)
    let process = Process()
    process.executableURL = try SweepCommandTests.executable()
    process.arguments = ["bmi", sample.path, "2", "2"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    process.waitUntilExit()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 1, "\(text)")
    let value = try #require(Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), "\(text)")
    #expect(abs(value - truth) < 0.08, "\(value) vs \(truth)")
  }

  /// Wrong dimensions, a header not in bmi's layout and a missing file are exit 2 naming the file.
  @Test func bmiRefusesWhatIsNotItsLayout() throws {
    let dir = try CLITest.directory("bmi-bad")
    defer { try? FileManager.default.removeItem(at: dir) }
    let sample = try Self.bmiSample(n: 200, rho: 0.5, in: dir)
    #expect(CLITest.fails(["bmi", sample.path, "3", "2"], saying: [sample.path, "4 columns", "3 + 2"]))
    #expect(CLITest.fails(["bmi", sample.path, "1", "3"], saying: [sample.path, "header", "X0,Y0,Y1,Y2"]))
    #expect(CLITest.fails(["bmi", sample.path, "0", "4"], saying: ["DIM_X"]))
    #expect(CLITest.fails(["bmi", dir.appendingPathComponent("none.csv").path, "2", "2"], saying: ["none.csv"]))
    #expect(CLITest.fails(["bmi", sample.path, "2", "2", "--neural-steps", "5"], saying: ["--neural-steps", "ksg"]))
  }

  /// A neural bound through `estimate`: said to be a lower bound in the JSON notes, k left out; the neural options
  /// are refused with other estimators, labels and in ib/analyze.
  @Test func estimateRunsTheNeuralBounds() throws {
    let dir = try CLITest.directory("neural-estimate")
    defer { try? FileManager.default.removeItem(at: dir) }
    var rng = Xoshiro256(seed: 3)
    let n = 2000
    let x = Matrix(rows: n, columns: 2, scalars: (0..<(2 * n)).map { _ in rng.nextGaussian() })
    let y = Matrix(
      rows: n, columns: 2, scalars: (0..<(2 * n)).map { 0.8 * x[$0 / 2, $0 % 2] + 0.6 * rng.nextGaussian() })
    let xURL = dir.appendingPathComponent("x.npy"), yURL = dir.appendingPathComponent("y.npy")
    try NPY.write(NPYArray(x), to: xURL)
    try NPY.write(NPYArray(y), to: yURL)
    let command = try #require(
      try InfoPlaneCommand.parseAsRoot([
        "estimate", xURL.path, yURL.path, "--estimator", "nwj", "--neural-steps", "200", "--neural-batch", "128",
        "--json",
      ]) as? EstimateCommand)
    let (text, _) = try command.output()
    let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(json["estimator"] as? String == "nwj")
    #expect(json["k"] is NSNull)
    let notes = try #require(json["notes"] as? [String])
    #expect(notes.contains { $0.contains("a lower bound (nwj, critic trained 200 steps") }, "\(notes)")
    let value = try #require(json["mi"] as? Double)
    // I = −log(1 − 0.64) = 1.02 nats; 200 steps already get most of it, and a lower bound is not far above.
    #expect(value > 0.6 && value < 1.2, "\(value)")
    #expect(CLITest.fails(["estimate", xURL.path, yURL.path, "--neural-lr", "1e-3"], saying: ["--neural-lr", "ksg"]))
    #expect(
      CLITest.fails(
        ["estimate", xURL.path, yURL.path, "--estimator", "mine", "--labels"], saying: ["--labels", "not mine"]))
    #expect(
      CLITest.fails(
        ["estimate", xURL.path, yURL.path, "--estimator", "mine", "--neural-batch", "1"],
        saying: ["--neural-batch is 1"]))
    #expect(CLITest.fails(["ib", "--estimator", "infonce"], saying: ["--estimator infonce", "ib"]))
    #expect(CLITest.fails(["analyze", dir.path, "--estimator", "mine"], saying: ["--estimator mine", "analyze"]))
  }

  /// Long critic trainings report every held-out evaluation (what `estimate` prints on stderr unless --quiet).
  @Test func neuralTrainingReportsProgress() throws {
    var rng = Xoshiro256(seed: 5)
    let x = Matrix(rows: 1000, columns: 1, scalars: (0..<1000).map { _ in rng.nextGaussian() })
    let y = Matrix(rows: 1000, columns: 1, scalars: x.scalars.map { $0 + rng.nextGaussian() })
    var settings = MIEstimatorChoice.Settings()
    settings.neuralSteps = 250
    settings.neuralBatch = 100
    var lines: [String] = []
    _ = try MIEstimatorChoice.mine.neuralEstimate(x, y, settings: settings) { lines.append($0) }
    #expect(lines.count == 3, "\(lines)")
    #expect(lines.first?.hasPrefix("mine: step 100/250, held-out bound ") == true, "\(lines)")
    #expect(lines.last?.hasPrefix("mine: step 250/250") == true, "\(lines)")
  }

  /// Images reach the critic as images: `estimate` on `[n, 8, 8]` arrays trains through the conv tower (the dims are
  /// the flattened 64 per sample); the recorded estimate is finite and said to be a lower bound.
  @Test func estimateKeepsImagesForTheConvCritic() throws {
    let dir = try CLITest.directory("neural-images")
    defer { try? FileManager.default.removeItem(at: dir) }
    let task = SyntheticTask(kind: .blobs, imageSize: 8)
    var rng = Xoshiro256(seed: 7)
    let sample = try task.sample(mutualInformation: 1, count: 600, using: &rng)
    let xURL = dir.appendingPathComponent("x.npy"), yURL = dir.appendingPathComponent("y.npy")
    try NPY.write(NPYArray(sample.x.reshaped([600, 8, 8])), to: xURL)
    try NPY.write(NPYArray(sample.y.reshaped([600, 8, 8])), to: yURL)
    let command = try #require(
      try InfoPlaneCommand.parseAsRoot([
        "estimate", xURL.path, yURL.path, "--estimator", "mine", "--neural-steps", "60", "--neural-batch", "64",
        "--json",
      ]) as? EstimateCommand)
    let (text, _) = try command.output()
    let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(json["dx"] as? Int == 64 && json["dy"] as? Int == 64)
    let value = try #require(json["mi"] as? Double)
    #expect(value.isFinite && value < 1.5, "\(value)")
    let notes = try #require(json["notes"] as? [String])
    #expect(notes.contains { $0.contains("a lower bound (mine, critic trained 60 steps") }, "\(notes)")
  }

  /// `validate --estimator mine` runs the critic on the raw images (no compressor by default), writes one row per
  /// MI value with KSG on the latents beside it, and names the neural settings in the report; tasks with labels
  /// and neural options without a neural estimator are refused before any work.
  @Test func validateRunsTheBoundOnRawImages() throws {
    let out = try CLITest.directory("validate-mine")
    defer { try? FileManager.default.removeItem(at: out) }
    var command = try InfoPlaneCommand.parseAsRoot([
      "validate", "--task", "blobs", "--image-size", "8", "--estimator", "mine", "--mi", "0,1", "--samples", "600",
      "--neural-steps", "40", "--neural-batch", "64", "--out", out.path, "--quiet",
    ])
    let validate = try #require(command as? ValidateCommand)
    #expect(validate.compressor == .none)
    try command.run()
    let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
    let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    #expect(rows.count == 2)
    for row in rows { #expect(Double(row[1])?.isFinite == true && Double(row[3])?.isFinite == true, "\(row)") }
    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("critic trained 40 steps, batch 64"))
    #expect(html.contains("KSG (k = 5) on the uncompressed latents"))
    // Without a compressor the estimate column is not called "compressed".
    #expect(html.contains("nats on the observed samples") && html.contains("blobs, none, mine"))
    #expect(
      CLITest.fails(
        ["validate", "--task", "labels", "--estimator", "nwj", "--out", out.path], saying: ["nwj", "class labels"]))
    #expect(
      CLITest.fails(["validate", "--neural-steps", "10", "--out", out.path], saying: ["--neural-steps", "auto"]))
    #expect(
      CLITest.fails(
        ["validate", "--estimator", "mine", "--samples", "600", "--out", out.path],
        saying: ["600", "1024"]))
  }
}
