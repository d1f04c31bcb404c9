/// The paper's smoothing of a per-epoch MI series (docs/method.md §10.6, `filter_data`): Savitzky–Golay with window
/// min(maxWindow, N) and polyorder min(4, window − 1), then an 8th-order Butterworth low-pass at 0.125 × Nyquist
/// applied zero-phase with `filtfilt(padlen = min(5, N − 1))`.
///
/// Deviation for short series: the low-pass stage runs only when N ≥ `lowPassMinimumLength` (default 20). Its
/// start-up transient spans tens of samples, and with the paper's 5-sample padding it swamps short series — SciPy's
/// own chain maps the 5-epoch ramp 0.95…2.36 to a constant −0.23. Shorter series get the Savitzky–Golay stage only.
/// From `lowPassMinimumLength` on, the output equals SciPy's (tested on the reference vectors).
public struct TrajectorySmoother: Sendable, Equatable, Codable {
  /// Largest Savitzky–Golay window (30 for the paper's MNIST runs, 10 for CIFAR-10).
  public var maxWindow: Int
  /// Largest Savitzky–Golay polynomial order (capped at window − 1).
  public var maxPolyorder: Int
  /// Order of the Butterworth low-pass filter.
  public var butterworthOrder: Int
  /// Butterworth cut-off as a fraction of Nyquist.
  public var cutoff: Double
  /// Shortest series the Butterworth stage is applied to (0 = always, the paper's behaviour).
  public var lowPassMinimumLength: Int

  /// The paper's settings by default, plus the short-series cut-off above; windows and lengths count epochs,
  /// `cutoff` is a fraction of Nyquist in (0, 1).
  public init(
    maxWindow: Int = 30, maxPolyorder: Int = 4, butterworthOrder: Int = 8, cutoff: Double = 0.125,
    lowPassMinimumLength: Int = 20
  ) {
    self.maxWindow = maxWindow
    self.maxPolyorder = maxPolyorder
    self.butterworthOrder = butterworthOrder
    self.cutoff = cutoff
    self.lowPassMinimumLength = lowPassMinimumLength
  }

  /// The smoothed series (same length as `series`; empty in, empty out).
  /// - Throws: `InformationPlaneError` for invalid settings (e.g. maxWindow < 1 or cutoff outside (0, 1)).
  public func smooth(_ series: [Double]) throws -> [Double] {
    guard !series.isEmpty else { return [] }
    guard maxWindow >= 1 else {
      throw InformationPlaneError.invalidWindow(window: maxWindow, polyorder: maxPolyorder, length: series.count)
    }
    let window = min(maxWindow, series.count)
    let savgol = try SavitzkyGolay(window: window, polyorder: max(0, min(maxPolyorder, window - 1))).apply(series)
    let filter = try IIRFilter.butterworthLowPass(order: butterworthOrder, cutoff: cutoff)
    guard series.count >= lowPassMinimumLength else { return savgol }
    return filter.filtfilt(savgol, padLength: min(5, series.count - 1))
  }
}
