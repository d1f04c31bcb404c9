import Testing

@testable import InformationPlane

@Suite struct SmoothingTests {
  static let tolerance = 1e-9  // the vectors' stated tolerance (8th-order filter in (b, a) form)

  @Test func butterworthMatchesSciPy() throws {
    let filter = try IIRFilter.butterworthLowPass(order: 8, cutoff: 0.125)
    #expect(filter.b.count == 9 && filter.a.count == 9)
    for (ours, ref) in zip(filter.b, SmoothingVectors.butterB) { #expect(abs(ours - ref) <= 1e-12 * max(1, abs(ref))) }
    for (ours, ref) in zip(filter.a, SmoothingVectors.butterA) { #expect(abs(ours - ref) <= 1e-10 * max(1, abs(ref))) }
    for (ours, ref) in zip(filter.steadyStateInitialConditions, SmoothingVectors.lfilterZi) {
      #expect(abs(ours - ref) <= 1e-9)
    }
  }

  @Test(arguments: SmoothingVectors.variants.indices)
  func savitzkyGolayMatchesSciPy(variant: Int) throws {
    let v = SmoothingVectors.variants[variant]
    let y = try SavitzkyGolay(window: v.window, polyorder: v.polyorder).apply(SmoothingVectors.x)
    #expect(y.count == v.savgol.count)
    for (i, (ours, ref)) in zip(y, v.savgol).enumerated() {
      #expect(abs(ours - ref) <= Self.tolerance, "index \(i)")
    }
  }

  @Test(arguments: SmoothingVectors.variants.indices)
  func fullChainMatchesSciPy(variant: Int) throws {
    let v = SmoothingVectors.variants[variant]
    let y = try TrajectorySmoother(maxWindow: v.window).smooth(SmoothingVectors.x)
    for (i, (ours, ref)) in zip(y, v.final).enumerated() {
      #expect(abs(ours - ref) <= Self.tolerance, "index \(i)")
    }
  }

  /// A degree-p polynomial is reproduced exactly by a Savitzky–Golay filter of order ≥ p (odd and even windows).
  @Test(arguments: [5, 6, 11, 12])
  func savitzkyGolayKeepsPolynomials(window: Int) throws {
    let x = (0..<40).map { t -> Double in
      let s = Double(t); return 0.5 - 0.2 * s + 0.03 * s * s
    }
    let y = try SavitzkyGolay(window: window, polyorder: 2).apply(x)
    for (i, (ours, ref)) in zip(y, x).enumerated() {
      // Even windows evaluate the interior half a sample late: compare with the polynomial at t + 0.5 there.
      let half = window / 2
      let interior = i >= half && i < x.count - half
      let t = Double(i) + (window % 2 == 0 && interior ? 0.5 : 0)
      let truth = 0.5 - 0.2 * t + 0.03 * t * t
      #expect(abs(ours - truth) <= 1e-9, "index \(i), raw \(ref)")
    }
  }

  @Test func constantSeriesStaysConstant() throws {
    let y = try TrajectorySmoother().smooth([Double](repeating: 1.7, count: 25))
    for v in y { #expect(abs(v - 1.7) <= 1e-9) }
  }

  /// SciPy's chain on a 5-epoch ramp (savgol 5/4, then filtfilt padlen 4): the paper's behaviour, reproduced when
  /// the low-pass is forced on; by default short series keep the Savitzky–Golay stage only (here: the data itself).
  @Test func shortSeriesSkipTheLowPassByDefault() throws {
    let x = [0.95, 1.15, 1.5, 1.96, 2.36]
    let scipy = [-0.23786872, -0.23589757, -0.23494671, -0.23454903, -0.23440943]
    let paper = try TrajectorySmoother(lowPassMinimumLength: 0).smooth(x)
    for (ours, ref) in zip(paper, scipy) { #expect(abs(ours - ref) < 1e-7) }
    let smoothed = try TrajectorySmoother().smooth(x)
    for (ours, ref) in zip(smoothed, x) { #expect(abs(ours - ref) < 1e-9) }
  }

  @Test func shortSeriesAreHandled() throws {
    #expect(try TrajectorySmoother().smooth([]) == [])
    let one = try TrajectorySmoother(lowPassMinimumLength: 0).smooth([0.4])
    #expect(one.count == 1 && abs(one[0] - 0.4) < 1e-9, "got \(one)")  // the filter's stated rounding tolerance
    #expect(try TrajectorySmoother().smooth([0.1, 0.2, 0.4]).count == 3)
  }

  @Test func invalidSettingsThrow() {
    #expect(throws: InformationPlaneError.invalidWindow(window: 5, polyorder: 5, length: 10)) {
      try SavitzkyGolay(window: 5, polyorder: 5).apply([Double](repeating: 0, count: 10))
    }
    #expect(throws: InformationPlaneError.invalidButterworth(order: 8, cutoff: 1.5)) {
      try IIRFilter.butterworthLowPass(order: 8, cutoff: 1.5)
    }
  }
}
