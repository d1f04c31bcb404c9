import Foundation

// How the commands write to the terminal: results on stdout, progress and warnings on stderr (docs/architecture.md, Conventions §9).

/// Writes one line to stderr (progress, warnings).
func standardError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A duration for progress lines: "1m05s" or "42s".
func duration(_ seconds: Double) -> String {
  let s = Int(seconds.rounded())
  return s >= 60 ? String(format: "%dm%02ds", s / 60, s % 60) : "\(s)s"
}

/// `value` as JSON with sorted keys (one line with unescaped slashes, or indented with `pretty`), ending in a newline.
/// Keys are sorted as Foundation's JSONSerialization sorts them (case-insensitively: `epoch` before `I_XL`), the
/// order our JSON output has always had, so the Encodable value is re-serialised through it.
func jsonLine(_ value: some Encodable, pretty: Bool) throws -> String {
  let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value), options: [.fragmentsAllowed])
  let options: JSONSerialization.WritingOptions =
    pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
  return String(decoding: try JSONSerialization.data(withJSONObject: object, options: options), as: UTF8.self) + "\n"
}
