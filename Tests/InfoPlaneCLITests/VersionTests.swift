import Foundation
import InfoPlane
import Testing

@testable import infoplane

@Suite struct VersionTests {
  /// `infoplane --version` prints a semantic version (what config.json records and bug reports quote), through the
  /// same path as `main` (ArgumentParser's clean exit, status 0).
  @Test func versionIsPrintedAsASemanticVersion() throws {
    let (status, message) = CLITest.run(["--version"])
    #expect(status == 0)
    #expect(message.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+$"#, options: .regularExpression) != nil, "\(message)")
  }

  /// Every run records the version that wrote it; `report` shows it, so it must reach config.json unchanged.
  @Test func runsRecordTheVersion() throws {
    let command = try #require(try InfoPlaneCommand.parseAsRoot(["ib", "--epochs", "1"]) as? IBCommand)
    let (_, message) = CLITest.run(["--version"])
    #expect(command.config().version == message)
  }
}
