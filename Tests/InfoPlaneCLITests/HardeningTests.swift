import Foundation
@_spi(Benchmarks) import InfoPlane
import Testing

@testable import infoplane

/// Inputs a user can give that used to trap, print raw Foundation errors or lose data silently (issue: hardening):
/// each must now end in exit status 2 with a message naming the file, option, layer or epoch.
@Suite struct HardeningTests {
  /// A tiny ib run of 3 epochs in `run`.
  static let ib = [
    "ib", "--train-samples", "200", "--test-samples", "120", "--eval-samples", "120", "--x-compressor", "pca",
    "--batch-size", "50", "--quiet",
  ]

  @Test func outputsThatCannotBeWrittenAreNamedBeforeAnyWork() throws {
    let root = try CLITest.directory("hardening-out")
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent("a-file")
    try Data("x".utf8).write(to: file)
    let under = file.appendingPathComponent("run").path
    for command in [
      ["ib", "--epochs", "1"], ["train", "--epochs", "1"], ["validate", "--task", "gaussian"],
      ["sweep", "--seed", "0,1"],
    ] {
      #expect(CLITest.fails(command + ["--out", file.path], saying: ["--out", file.path, "not a directory"]))
      #expect(CLITest.fails(command + ["--out", under], saying: ["--out", under, "is a file"]))
    }
    #expect(CLITest.fails(["ib", "--out", "/dev/null"], saying: ["--out /dev/null", "not a directory"]))
    #expect(CLITest.fails(["report", root.path, "--out", root.path], saying: ["--out", "is a directory"]))
    // A device or pipe as the report file would be replaced by a regular file (as root, `--out /dev/null` did
    // that to /dev/null): refused. A FIFO stands in for the device here.
    let fifo = root.appendingPathComponent("pipe").path
    #expect(mkfifo(fifo, 0o644) == 0)
    #expect(CLITest.fails(["report", root.path, "--out", fifo], saying: ["--out", fifo, "device, pipe or socket"]))
    var info = stat()
    #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    // Whatever the check cannot foresee (a virtual file system) is still a message naming the path, not a trap.
    let proc = "/proc/infoplane-\(UUID().uuidString)"
    let (status, message) = CLITest.run(Self.ib + ["--epochs", "1", "--out", proc])
    #expect(status == 2 && message.contains(proc), "\(message)")
    // A file-system failure anywhere maps to exit 2 with the path and the reason.
    let cocoa = CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: "/x/y"])
    #expect(exitStatus(for: cocoa) == 2)
    #expect(infoplane.message(for: cocoa).contains("Cannot write /x/y: permission denied"))
  }

  @Test func damagedRunFilesAreNamedWithTheirProblem() throws {
    let root = try CLITest.directory("hardening-run")
    defer { try? FileManager.default.removeItem(at: root) }
    let run = root.appendingPathComponent("run")
    #expect(CLITest.status(Self.ib + ["--epochs", "1", "--out", run.path]) == 0)
    let config = run.appendingPathComponent("config.json")
    let good = try Data(contentsOf: config)
    for (content, problem) in [
      (Data(), "it is empty"), (good.prefix(good.count / 2), "it is not JSON"),
      (Data(#"{"dataset": 3}"#.utf8), "dataset is not a"), (Data("[]".utf8), "top level"),
    ] {
      try content.write(to: config)
      #expect(CLITest.fails(["report", run.path], saying: [config.path, "damaged", problem]))
      #expect(CLITest.fails(Self.ib + ["--epochs", "2", "--out", run.path, "--resume"], saying: [config.path]))
    }
    try good.write(to: config)
    let mi = run.appendingPathComponent("mi.csv")
    try Data([0xFF, 0xFE, 0x00, 0x80, 0x01]).write(to: mi)
    #expect(CLITest.fails(["report", run.path], saying: [mi.path, "damaged", "not UTF-8 text"]))
  }

  /// A lost or cut mi.csv: resumed from what the checkpoints prove (to the same numbers), or refused by name.
  @Test func resumeNeverLosesMIRowsSilently() throws {
    let root = try CLITest.directory("hardening-resume")
    defer { try? FileManager.default.removeItem(at: root) }
    let whole = root.appendingPathComponent("whole"), cut = root.appendingPathComponent("cut")
    #expect(CLITest.status(Self.ib + ["--epochs", "3", "--out", whole.path]) == 0)
    #expect(CLITest.status(Self.ib + ["--epochs", "3", "--out", cut.path]) == 0)
    let mi = cut.appendingPathComponent("mi.csv")
    let full = try String(contentsOf: mi, encoding: .utf8)
    // The last epoch's rows lost (checkpoints of epochs 2 and 3 are kept): epoch 3 is trained again, identically.
    let lines = full.split(separator: "\n")
    let kept = lines.filter { !$0.hasPrefix("3,") }
    try Data((kept.joined(separator: "\n") + "\n").utf8).write(to: mi)
    // Temporary files of writes killed before their rename are removed by the resume.
    let stale = [
      cut.appendingPathComponent(".mi.csv.0A1B.tmp"), cut.appendingPathComponent("checkpoints/.epoch-0003.x.tmp"),
      cut.appendingPathComponent(".dat.nosync579D.u8bO4P"),  // Foundation's atomic write, killed
    ]
    for url in stale { try Data("partial".utf8).write(to: url) }
    #expect(CLITest.status(Self.ib + ["--epochs", "3", "--out", cut.path, "--resume"]) == 0)
    #expect(try String(contentsOf: mi, encoding: .utf8) == full)
    #expect(stale.allSatisfy { !FileManager.default.fileExists(atPath: $0.path) })
    // A row cut in the middle is a damaged table, named.
    try Data(full.prefix(full.count - 30).utf8).write(to: mi)
    #expect(CLITest.fails(Self.ib + ["--epochs", "4", "--out", cut.path, "--resume"], saying: [mi.path]))
    // mi.csv gone: no checkpoint can redo epochs 1–3, so the run stops and says so instead of keeping only later ones.
    try FileManager.default.removeItem(at: mi)
    #expect(
      CLITest.fails(
        Self.ib + ["--epochs", "4", "--out", cut.path, "--resume"],
        saying: [mi.path, "epochs 1–3", "no checkpoint"]))
  }

  @Test func trainResumeChecksItsMetricsTable() throws {
    let root = try CLITest.directory("hardening-train")
    defer { try? FileManager.default.removeItem(at: root) }
    let arguments = [
      "train", "--train-samples", "100", "--test-samples", "50", "--batch-size", "50", "--out", root.path, "--quiet",
    ]
    #expect(CLITest.status(arguments + ["--epochs", "1"]) == 0)
    let metrics = root.appendingPathComponent("metrics.csv")
    let good = try String(contentsOf: metrics, encoding: .utf8)
    try Data("garbage\n1,2\n".utf8).write(to: metrics)
    #expect(CLITest.fails(arguments + ["--epochs", "2", "--resume"], saying: [metrics.path, "header"]))
    try Data((good + "1,x,0,0,0,0,0\n").utf8).write(to: metrics)
    #expect(CLITest.fails(arguments + ["--epochs", "2", "--resume"], saying: [metrics.path, "line 3"]))
    // A row of an epoch after the checkpoint's (from an older run) is dropped; the table goes on from epoch 2.
    try Data((good + "2,1,1,1,1,1,1\n").utf8).write(to: metrics)
    #expect(CLITest.status(arguments + ["--epochs", "2", "--resume"]) == 0)
    let epochs = try String(contentsOf: metrics, encoding: .utf8).split(separator: "\n").dropFirst().map {
      $0.split(separator: ",")[0]
    }
    #expect(epochs == ["1", "2"])
  }

  @Test func nonFiniteEstimatesAreErrorsNotNumbers() throws {
    let root = try CLITest.directory("hardening-nan")
    defer { try? FileManager.default.removeItem(at: root) }
    var rng = Xoshiro256(seed: 3)
    let x = (0..<400).map { _ in 1e200 * rng.nextGaussian() }
    let y = x.map { $0 + 1e199 * rng.nextGaussian() }
    let xURL = root.appendingPathComponent("x.npy"), yURL = root.appendingPathComponent("y.npy")
    try NPY.write(NPYArray(shape: [200, 2], storage: .float64(x)), to: xURL)
    try NPY.write(NPYArray(shape: [200, 2], storage: .float64(y)), to: yURL)
    #expect(
      CLITest.fails(
        ["estimate", xURL.path, yURL.path, "--estimator", "kl", "--no-whiten"],
        saying: ["kl estimate is not a finite number", "--no-whiten"]))
    // Flags of other estimators are refused rather than silently ignored (--no-tie-breaking gave KSG 8.87 ± 0 on
    // duplicated rows without a word).
    #expect(
      CLITest.fails(["estimate", xURL.path, yURL.path, "--no-tie-breaking"], saying: ["--no-tie-breaking", "ksg"]))
    #expect(CLITest.fails(["estimate", xURL.path, yURL.path, "--no-whiten"], saying: ["--no-whiten applies"]))
    #expect(
      CLITest.fails(
        ["estimate", xURL.path, yURL.path, "--estimator", "wkl", "--jitter-ties"], saying: ["--jitter-ties", "wkl"]))
  }

  @Test func analyzeNamesTheEpochAndLayerAndCanSkipThem() throws {
    let dir = try AnalyzeCommandTests.makeLayout()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Folder names that are not epoch-NNNN are not epochs (epoch--002 used to trap).
    for name in ["epoch--002", "epoch-+3", "epoch-1e3", "epoch-"] {
      try FileManager.default.createDirectory(
        at: dir.appendingPathComponent(name), withIntermediateDirectories: true)
      try Data().write(to: dir.appendingPathComponent(name).appendingPathComponent("layer_a.npy"))
    }
    // A NaN in epoch 2's layer_b.
    let bad = dir.appendingPathComponent("epoch-0002/layer_b.npy")
    let values = try NPY.readTensor(contentsOf: bad)
    var scalars = values.scalars
    scalars[17 * 3 + 1] = .nan
    try NPY.write(NPYArray(Tensor(shape: values.shape, scalars: scalars)), to: bad)
    #expect(
      CLITest.fails(
        ["analyze", dir.path, "--quiet"],
        saying: ["Epoch 2, layer layer_b", bad.path, "sample 17", "--skip-bad-layers"]))
    let (status, message) = CLITest.run(["analyze", dir.path, "--quiet", "--skip-bad-layers"])
    #expect(status == 0, "\(message)")
    let rows = try String(contentsOf: dir.appendingPathComponent("mi.csv"), encoding: .utf8).split(separator: "\n")
      .dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
    #expect(rows == ["1,layer_a", "1,layer_b", "2,layer_a"])
    let report = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.contains("Left out (--skip-bad-layers): Epoch 2, layer layer_b"))
  }

  /// A constant (dead) layer is measured, not rejected: both MIs exactly 0, flagged constant-layer.
  @Test func aConstantLayerHasZeroInformation() throws {
    let dir = try AnalyzeCommandTests.makeLayout()
    defer { try? FileManager.default.removeItem(at: dir) }
    let dead = Tensor(shape: [600, 4], scalars: [Float](repeating: 0.25, count: 2400))
    try NPY.write(NPYArray(dead), to: dir.appendingPathComponent("epoch-0001/layer_c.npy"))
    let (status, message) = CLITest.run(["analyze", dir.path, "--quiet"])
    #expect(status == 0, "\(message)")
    let rows = try String(contentsOf: dir.appendingPathComponent("mi.csv"), encoding: .utf8).split(separator: "\n")
    let row = try #require(rows.first { $0.hasPrefix("1,layer_c,") })
    #expect(
      row.contains(",0.0") && row.contains("I_XL:constant-layer") && row.contains("I_LY:constant-layer"), "\(row)")
  }

  /// Layer names become rows of mi.csv: an empty name or one with a line break is refused naming the file; an
  /// epoch given twice names both files; the skip warning does not tell the user to pass the flag they passed.
  @Test func layerNamesAndEpochNamesAreChecked() throws {
    let dir = try AnalyzeCommandTests.makeLayout()
    defer { try? FileManager.default.removeItem(at: dir) }
    let layer = NPYArray(Tensor(shape: [600, 2], scalars: (0..<1200).map { Float($0 % 7) }))
    let file = dir.appendingPathComponent("epoch-0003.safetensors")
    for name in ["a\nb", ""] {
      try SafeTensors.write([name: layer], to: file)
      #expect(CLITest.fails(["analyze", dir.path, "--quiet"], saying: [file.path, "layer name", "control"]))
    }
    try FileManager.default.removeItem(at: file)
    try SafeTensors.write(["layer_a": layer], to: dir.appendingPathComponent("epoch-2.safetensors"))
    #expect(
      CLITest.fails(
        ["analyze", dir.path, "--quiet"], saying: ["epoch 2 twice", "epoch-0002 and epoch-2.safetensors"]))
    try FileManager.default.removeItem(at: dir.appendingPathComponent("epoch-2.safetensors"))
    let bad = dir.appendingPathComponent("epoch-0002/layer_b.npy")
    try NPY.write(NPYArray(Tensor(shape: [5, 3], scalars: [Float](repeating: 1, count: 15))), to: bad)
    let (status, message) = CLITest.run(["analyze", dir.path, "--quiet", "--skip-bad-layers"])
    #expect(status == 0, "\(message)")
    let report = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.contains("Left out (--skip-bad-layers): Epoch 2, layer layer_b"))
    #expect(!report.contains("pass --skip-bad-layers"))
  }
}
