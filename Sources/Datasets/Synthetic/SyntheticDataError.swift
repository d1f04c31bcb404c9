/// Invalid settings for a synthetic task with known MI.
public enum SyntheticDataError: Error, Equatable, CustomStringConvertible {
  case invalidParameter(String)

  public var description: String {
    switch self {
    case let .invalidParameter(message): "Invalid synthetic-task setting: \(message)."
    }
  }
}
