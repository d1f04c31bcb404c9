import ArgumentParser
import Foundation
import InfoPlane

@main
struct InfoPlaneCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "infoplane",
    abstract: "Mutual information and information-plane analysis of neural networks.",
    version: infoPlaneVersion,
    subcommands: [
      EstimateCommand.self, ValidateCommand.self, IBCommand.self, AnalyzeCommand.self, ReportCommand.self,
      TrainCommand.self, InspectCommand.self,
    ]
  )

  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      // Usage errors (ArgumentParser's 64) and bad input are the user's to fix: exit 2 (docs/architecture.md, Conventions §9).
      guard code == .validationFailure || isUserInputError(error) else { exit(withError: error) }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      Foundation.exit(2)
    }
  }
}

/// Errors caused by the user's command line or input files, which exit with status 2.
func isUserInputError(_ error: Error) -> Bool {
  error is UserInputError
}

/// Marker for module errors that describe bad user input (exit status 2).
protocol UserInputError: Error {}
