/// Errors of the smoothing filters.
public enum SmoothingError: Error, Equatable, CustomStringConvertible {
  case invalidWindow(window: Int, polyorder: Int, length: Int)
  case invalidButterworth(order: Int, cutoff: Double)

  public var description: String {
    switch self {
    case let .invalidWindow(window, polyorder, length):
      "Savitzky–Golay needs 1 ≤ window ≤ series length and polyorder < window; got window \(window), polyorder \(polyorder), length \(length)."
    case let .invalidButterworth(order, cutoff):
      "Butterworth low-pass needs order ≥ 1 and 0 < cutoff < 1 (fraction of Nyquist); got order \(order), cutoff \(cutoff)."
    }
  }
}
