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
    for arguments in [["--mi", "-1,2"], ["--latent-dim", "5000"], ["--samples", "3"], ["--task", "spirals"]] {
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
}
