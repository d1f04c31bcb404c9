import Foundation

@testable import infoplane

/// Helpers shared by the command tests.
enum CLITest {
  /// A fresh temporary directory (the caller removes it).
  static func directory(_ prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("infoplane-\(prefix)-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Runs `infoplane ARGUMENTS` in-process as `main()` would and returns the exit status it maps the outcome to
  /// (0 on success, 2 for errors the user must fix).
  static func status(_ arguments: [String]) -> Int32 {
    do {
      var command = try InfoPlaneCommand.parseAsRoot(arguments)
      try command.run()
      return 0
    } catch {
      let code = InfoPlaneCommand.exitCode(for: error)
      return code == .validationFailure || isUserInputError(error) ? 2 : code.rawValue
    }
  }
}
