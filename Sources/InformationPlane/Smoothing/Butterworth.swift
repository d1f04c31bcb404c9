import Foundation

/// A digital IIR filter in transfer-function form: numerator `b` and denominator `a` (a[0] = 1).
package struct IIRFilter: Sendable, Equatable {
  package var b: [Double]
  package var a: [Double]

  /// Digital Butterworth low-pass, as SciPy's `butter(order, cutoff)`: analog prototype poles on the unit circle,
  /// frequency pre-warping, bilinear transform (fs = 2), expanded to polynomials.
  /// - Parameter cutoff: −3 dB frequency as a fraction of Nyquist, in (0, 1).
  /// - Throws: `InformationPlaneError.invalidButterworth` for order < 1 or cutoff outside (0, 1).
  package static func butterworthLowPass(order: Int, cutoff: Double) throws -> IIRFilter {
    guard order >= 1, cutoff > 0, cutoff < 1 else {
      throw InformationPlaneError.invalidButterworth(order: order, cutoff: cutoff)
    }
    let fs = 2.0
    let warped = 2 * fs * tan(Double.pi * cutoff / fs)
    // Analog prototype poles p_m = −exp(iπ m / (2N)), m = −N+1, −N+3, …, N−1, scaled by the warped frequency.
    var poles: [Complex] = []
    for m in stride(from: -order + 1, to: order, by: 2) {
      let angle = Double.pi * Double(m) / Double(2 * order)
      poles.append(Complex(-cos(angle) * warped, -sin(angle) * warped))
    }
    var gain = pow(warped, Double(order))
    // Bilinear transform: z = (2fs + s)/(2fs − s); all N zeros go to z = −1.
    let fs2 = 2 * fs
    var denominatorProduct = Complex(1, 0)
    let digitalPoles = poles.map { p -> Complex in
      denominatorProduct = denominatorProduct * (Complex(fs2, 0) - p)
      return (Complex(fs2, 0) + p) / (Complex(fs2, 0) - p)
    }
    gain *= (Complex(1, 0) / denominatorProduct).re
    let zeros = [Complex](repeating: Complex(-1, 0), count: order)
    let b = Complex.polynomial(roots: zeros).map { $0.re * gain }
    let a = Complex.polynomial(roots: digitalPoles).map(\.re)
    return IIRFilter(b: b, a: a)
  }

  /// Steady-state initial conditions of the transposed direct form II for a unit step (SciPy's `lfilter_zi`).
  package var steadyStateInitialConditions: [Double] {
    let n = max(a.count, b.count)
    guard n > 1 else { return [] }
    let an = a + [Double](repeating: 0, count: n - a.count)
    let bn = b + [Double](repeating: 0, count: n - b.count)
    let order = n - 1
    // (I − Cᵀ)·zi = b[1:] − a[1:]·b[0], with C the companion matrix of a.
    var m = [Double](repeating: 0, count: order * order)
    for r in 0..<order {
      for c in 0..<order {
        let companionT: Double = {
          // Cᵀ[r][c] = C[c][r]; C row 0 = −a[1:]/a[0], C[i][i−1] = 1.
          if c == 0 { return -an[r + 1] / an[0] }
          return r == c - 1 ? 1 : 0
        }()
        m[r * order + c] = (r == c ? 1 : 0) - companionT
      }
    }
    let rhs = (0..<order).map { bn[$0 + 1] - an[$0 + 1] * bn[0] }
    return LinearSolve.solve(m, rhs, size: order)
  }

  /// Filters `x` causally (transposed direct form II, SciPy's `lfilter`) from initial state `state`.
  func run(_ x: [Double], state initial: [Double]) -> [Double] {
    let n = max(a.count, b.count)
    let an = a.map { $0 / a[0] } + [Double](repeating: 0, count: n - a.count)
    let bn = b.map { $0 / a[0] } + [Double](repeating: 0, count: n - b.count)
    var z = initial + [Double](repeating: 0, count: max(0, n - 1 - initial.count))
    var y = [Double](repeating: 0, count: x.count)
    for (t, xt) in x.enumerated() {
      let yt = bn[0] * xt + (n > 1 ? z[0] : 0)
      if n > 1 {
        for i in 0..<(n - 2) { z[i] = bn[i + 1] * xt + z[i + 1] - an[i + 1] * yt }
        z[n - 2] = bn[n - 1] * xt - an[n - 1] * yt
      }
      y[t] = yt
    }
    return y
  }

  /// Zero-phase filtering (SciPy's `filtfilt` with `padtype="odd"`): odd extension of `padLength` samples at both
  /// ends, forward pass from `zi·x₀`, backward pass from `zi·y_last`, extension removed.
  /// - Precondition: `padLength < x.count`.
  package func filtfilt(_ x: [Double], padLength: Int) -> [Double] {
    precondition(
      padLength >= 0 && padLength < max(x.count, 1),
      "filtfilt: padLength \(padLength) needs fewer than \(x.count) samples")
    guard !x.isEmpty else { return [] }
    let n = x.count
    var extended: [Double] = []
    extended.reserveCapacity(n + 2 * padLength)
    for i in stride(from: padLength, through: 1, by: -1) { extended.append(2 * x[0] - x[i]) }
    extended.append(contentsOf: x)
    for i in stride(from: n - 2, through: n - 1 - padLength, by: -1) where padLength > 0 {
      extended.append(2 * x[n - 1] - x[i])
    }
    let zi = steadyStateInitialConditions
    let forward = run(extended, state: zi.map { $0 * extended[0] })
    let backward = run(forward.reversed(), state: zi.map { $0 * forward[forward.count - 1] })
    let result = Array(backward.reversed())
    return Array(result[padLength..<(padLength + n)])
  }
}

/// Minimal complex arithmetic for filter design.
struct Complex: Equatable {
  var re: Double
  var im: Double
  init(_ re: Double, _ im: Double) {
    self.re = re
    self.im = im
  }
  static func + (l: Complex, r: Complex) -> Complex { Complex(l.re + r.re, l.im + r.im) }
  static func - (l: Complex, r: Complex) -> Complex { Complex(l.re - r.re, l.im - r.im) }
  static func * (l: Complex, r: Complex) -> Complex {
    Complex(l.re * r.re - l.im * r.im, l.re * r.im + l.im * r.re)
  }
  static func / (l: Complex, r: Complex) -> Complex {
    let d = r.re * r.re + r.im * r.im
    return Complex((l.re * r.re + l.im * r.im) / d, (l.im * r.re - l.re * r.im) / d)
  }
  /// Coefficients (highest power first) of Π (z − rootᵢ), as numpy's `poly`.
  static func polynomial(roots: [Complex]) -> [Complex] {
    var coefficients = [Complex(1, 0)]
    for root in roots {
      var next = coefficients + [Complex(0, 0)]
      for i in 1..<next.count { next[i] = next[i] - root * coefficients[i - 1] }
      coefficients = next
    }
    return coefficients
  }
}
