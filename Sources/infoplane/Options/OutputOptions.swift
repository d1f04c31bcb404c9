import ArgumentParser

/// `--json` and `--quiet`: what a command prints. Results go to stdout (text, or one JSON object with sorted keys),
/// progress and warnings to stderr.
struct OutputOptions: ParsableArguments {
  @Flag(help: "Print the result as one JSON object with sorted keys instead of text.")
  var json = false

  @Flag(help: "No progress on stderr.")
  var quiet = false

  /// Writes a progress line to stderr unless --quiet.
  func progress(_ line: String) {
    if !quiet { standardError(line) }
  }
}
