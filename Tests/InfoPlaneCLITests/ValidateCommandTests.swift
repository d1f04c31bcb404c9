import Foundation
import InfoPlane
import Testing

@testable import infoplane

@Suite struct ValidateCommandTests {
  @Test func writesResultsAndReport() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("infoplane-validate-" + UUID().uuidString)
    defer { try? FileManager.default.removeItem(at: out) }
    var command = try InfoPlaneCommand.parseAsRoot([
      "validate", "--task", "gaussian", "--dimension", "2", "--compressor", "none", "--mi", "0:2:3", "--samples", "1500",
      "--out", out.path, "--quiet",
    ])
    try command.run()
    let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 4)
    #expect(csv.hasPrefix("true_mi,estimate,standard_error,latent_estimate,latent_standard_error\n"))
    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("Estimate vs true MI") && html.contains("<svg"))
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

  /// The default estimator follows the code size: KSG for 2 coordinates per side, WKL for 4.
  @Test func defaultEstimatorFollowsTheCodeSize() throws {
    for (arguments, expected) in [(["--task", "blobs"], "ksg"), (["--task", "rectangles"], "wkl"),
                                  (["--task", "rectangles", "--estimator", "ksg"], "ksg")] {
      let command = try InfoPlaneCommand.parseAsRoot(["validate"] + arguments)
      let validate = try #require(command as? ValidateCommand)
      #expect(try validate.validation().0.estimator.rawValue == expected, "\(arguments)")
    }
  }
}
