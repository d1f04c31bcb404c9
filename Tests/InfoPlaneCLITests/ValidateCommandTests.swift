import Foundation
import InfoPlane
import Testing

@testable import infoplane

@Suite struct ValidateCommandTests {
  @Test func writesResultsAndReport() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("infoplane-validate-" + UUID().uuidString)
    defer { try? FileManager.default.removeItem(at: out) }
    var command = try InfoPlaneCommand.parseAsRoot([
      "validate", "--task", "gaussian", "--dimension", "2", "--compressor", "none", "--mi", "0:2:3", "--samples",
      "1500",
      "--out", out.path, "--quiet",
    ])
    try command.run()
    let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 4)
    #expect(csv.hasPrefix("true_mi,estimate,standard_error,latent_estimate,latent_standard_error,flags\n"))
    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("Estimate vs true MI") && html.contains("<svg"))
  }

  /// label-mixing at n = 10⁴ with the default estimator: mean absolute error ≤ 0.05 nats over the channel's range
  /// (p from 0 to independence), no flagged point; the paper's WKL on the same task has a larger error.
  @Test func labelMixingMeetsItsTarget() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("infoplane-lm-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: out) }
    func run(_ estimator: [String]) throws -> [[String]] {
      var command = try InfoPlaneCommand.parseAsRoot(
        [
          "validate", "--task", "label-mixing", "--mi", "0,0.5,1,1.5,2,2.302585", "--samples", "10000",
          "--out", out.path, "--quiet",
        ] + estimator)
      try command.run()
      let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
      return csv.split(separator: "\n").dropFirst().map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      }
    }
    func mae(_ rows: [[String]]) -> Double {
      rows.map { abs(Double($0[1])! - Double($0[0])!) }.reduce(0, +) / Double(rows.count)
    }
    let auto = try run([]), paper = try run(["--estimator", "wkl"])
    #expect(mae(auto) <= 0.05, "\(auto)")
    #expect(auto.allSatisfy { $0[5].isEmpty }, "\(auto)")
    #expect(mae(auto) < mae(paper), "auto \(mae(auto)) vs wkl \(mae(paper))")
  }

  @Test func badSettingsAreUsageErrors() {
    for arguments in [
      ["--mi=-1,2"], ["--latent-dim", "5000"], ["--samples", "3"], ["--task", "spirals"], ["--compressor", "ica"],
      ["--compressor", "ae", "--ae-epochs", "0"], ["--compressor", "ae", "--ae-learning-rate", "0"],
      ["--compressor", "ae", "--ae-batch-size", "0"], ["--ae-loss", "huber"], ["--mae-at", "x"], ["-k", "0"],
    ] {
      #expect(throws: (any Error).self) { try InfoPlaneCommand.parseAsRoot(["validate"] + arguments) }
      do {
        _ = try InfoPlaneCommand.parseAsRoot(["validate"] + arguments)
      } catch {
        #expect(InfoPlaneCommand.exitCode(for: error) == .validationFailure, "\(arguments)")
      }
    }
  }

  @Test func unknownTaskListsTheValidOnes() {
    do {
      _ = try InfoPlaneCommand.parseAsRoot(["validate", "--task", "spirals"])
      Issue.record("expected an error")
    } catch {
      let message = InfoPlaneCommand.message(for: error)
      #expect(message.contains("blobs") && message.contains("rectangles") && message.contains("anti-pca"))
    }
  }

  @Test func unknownCompressorListsTheValidOnes() {
    do {
      _ = try InfoPlaneCommand.parseAsRoot(["validate", "--compressor", "ica"])
      Issue.record("expected an error")
    } catch {
      let message = InfoPlaneCommand.message(for: error)
      #expect(message.contains("ae") && message.contains("pca") && message.contains("none"), "\(message)")
    }
  }

  /// The default estimator is auto for every task and code size (docs/estimator-evidence.md); a named one is kept.
  @Test func defaultEstimatorIsAuto() throws {
    for (arguments, expected) in [
      (["--task", "blobs"], "auto"), (["--task", "label-mixing"], "auto"),
      (["--task", "rectangles", "--estimator", "ksg"], "ksg"),
    ] {
      let command = try InfoPlaneCommand.parseAsRoot(["validate"] + arguments)
      let validate = try #require(command as? ValidateCommand)
      #expect(try validate.validation().0.estimator.rawValue == expected, "\(arguments)")
    }
  }
}
