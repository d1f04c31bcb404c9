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

  /// Runs `infoplane ARGUMENTS` in-process as `main()` does and returns the exit status `main()` maps the outcome to
  /// (`exitStatus(for:)`: 0 on success, 2 for errors the user must fix) and the message it prints on failure.
  static func run(_ arguments: [String]) -> (status: Int32, message: String) {
    do {
      var command = try InfoPlaneCommand.parseAsRoot(arguments)
      try command.run()
      return (0, "")
    } catch {
      return (exitStatus(for: error), message(for: error))
    }
  }

  /// The exit status of `infoplane ARGUMENTS` (see `run(_:)`).
  static func status(_ arguments: [String]) -> Int32 { run(arguments).status }

  /// Whether `infoplane ARGUMENTS` fails with exit status 2 and a message containing every one of `fragments`.
  static func fails(_ arguments: [String], saying fragments: [String]) -> Bool {
    let (status, message) = run(arguments)
    let ok = status == 2 && fragments.allSatisfy { message.contains($0) }
    if !ok { print("infoplane \(arguments.joined(separator: " ")) → status \(status): \(message)") }
    return ok
  }
}
