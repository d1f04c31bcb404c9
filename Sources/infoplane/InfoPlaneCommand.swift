import ArgumentParser
import Foundation
@_spi(Benchmarks) import InfoPlane

@main
struct InfoPlaneCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "infoplane",
    abstract: "Mutual information and information-plane analysis of neural networks.",
    version: infoPlaneVersion,
    subcommands: [
      EstimateCommand.self, ValidateCommand.self, IBCommand.self, AnalyzeCommand.self, ReportCommand.self,
      TrainCommand.self, InspectCommand.self, SweepCommand.self,
    ]
  )

  static func main() {
    HeapTuning.keepFreedBlocks()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let status = exitStatus(for: error)
      guard status == 2 else { exit(withError: error) }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      Foundation.exit(2)
    }
  }
}

/// The exit status of a command that failed with `error`: 2 for usage errors (ArgumentParser's validation failures)
/// and bad input the user must fix (docs/architecture.md, Conventions §9), 0 for `--help`/`--version`, otherwise
/// ArgumentParser's code (1 for failures of ours). `main` and the tests both use it.
func exitStatus(for error: any Error) -> Int32 {
  let code = InfoPlaneCommand.exitCode(for: error)
  return code == .validationFailure || error is UserInputError ? 2 : code.rawValue
}

/// Marker for module errors that describe bad user input (exit status 2).
protocol UserInputError: Error {}
