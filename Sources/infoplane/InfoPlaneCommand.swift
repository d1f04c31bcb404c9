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
      TrainCommand.self, InspectCommand.self, SweepCommand.self, BMICommand.self,
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
      FileHandle.standardError.write(Data((message(for: error) + "\n").utf8))
      Foundation.exit(2)
    }
  }
}

/// The exit status of a command that failed with `error`: 2 for usage errors (ArgumentParser's validation failures)
/// and bad input the user must fix (docs/architecture.md, Conventions §9), 0 for `--help`/`--version`, otherwise
/// ArgumentParser's code (1 for failures of ours). `main` and the tests both use it.
func exitStatus(for error: any Error) -> Int32 {
  let code = InfoPlaneCommand.exitCode(for: error)
  let userInput = error is UserInputError || FileSystemFailure(error) != nil
  return code == .validationFailure || userInput ? 2 : code.rawValue
}

/// The message printed for `error` ("Error: …" for ours; a file-system failure as its path and what is wrong).
func message(for error: any Error) -> String {
  if let failure = FileSystemFailure(error) { return "Error: \(failure)" }
  return InfoPlaneCommand.fullMessage(for: error)
}

/// Marker for module errors that describe bad user input (exit status 2).
protocol UserInputError: Error {}
