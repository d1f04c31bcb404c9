import Foundation

// How the commands write to the terminal: results on stdout, progress and warnings on stderr (docs/architecture.md, Conventions §9).

/// Writes one line to stderr (progress, warnings).
func standardError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A finite number, or NSNull for NaN/Inf (JSON has no NaN; docs/architecture.md, Conventions §9).
func jsonNumber(_ v: Double) -> Any { v.isFinite ? v : NSNull() }

/// A duration for progress lines: "1m05s" or "42s".
func duration(_ seconds: Double) -> String {
  let s = Int(seconds.rounded())
  return s >= 60 ? String(format: "%dm%02ds", s / 60, s % 60) : "\(s)s"
}

/// A problem with the user's input files found while a command runs (after parsing): printed as "Error: …" without
/// the usage text that a `ValidationError` brings, exit status 2.
struct InputError: UserInputError, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// `value` as JSON with sorted keys and unescaped slashes (one line, or indented with `pretty`), ending in a newline.
func jsonLine(_ value: some Encodable, pretty: Bool) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
  return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}
