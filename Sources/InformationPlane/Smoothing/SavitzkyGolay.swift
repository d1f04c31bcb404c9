/// Savitzky–Golay smoothing with SciPy's `savgol_filter(x, window, polyorder, mode="interp")` semantics.
///
/// Each output is the value of a degree-`polyorder` least-squares polynomial fitted to `window` consecutive samples.
/// - Interior points: for an odd window the fit is centred on the point; for an **even** window (the paper uses 30
///   and 10) the window is `x[i − W/2 + 1 … i + W/2]` and the fit is evaluated at its centre, half a sample after i,
///   as SciPy ≥ 1.8 does (docs/method.md §18.5).
/// - The first and last ⌊W/2⌋ outputs come from the polynomials fitted to the first and last W samples, evaluated at
///   those samples' own positions ("interp" mode).
package struct SavitzkyGolay: Sendable, Equatable, Codable {
  /// Window length in samples, 1 ≤ window ≤ series length.
  package var window: Int
  /// Polynomial degree, 0 ≤ polyorder < window.
  package var polyorder: Int

  package init(window: Int, polyorder: Int) {
    self.window = window
    self.polyorder = polyorder
  }

  /// The smoothed series, same length as `x`.
  /// - Throws: `InformationPlaneError.invalidWindow` when the window is longer than the series or not above `polyorder`.
  package func apply(_ x: [Double]) throws -> [Double] {
    let n = x.count
    guard window >= 1, window <= n, polyorder >= 0, polyorder < window else {
      throw InformationPlaneError.invalidWindow(window: window, polyorder: polyorder, length: n)
    }
    let half = window / 2
    // Window start offset relative to i, and the evaluation position inside the window (0-based sample units).
    let startOffset = window % 2 == 1 ? -half : -half + 1
    let centre = Double(window - 1) / 2
    let interiorWeights = PolynomialFit.evaluationWeights(
      count: window, degree: polyorder, at: centre)
    var y = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var total = 0.0
      for j in 0..<window {
        let index = i + startOffset + j
        if index >= 0 && index < n { total += interiorWeights[j] * x[index] }  // SciPy's constant (zero) padding
      }
      y[i] = total
    }
    // Edges: polynomial through the first / last `window` samples, evaluated at integer positions.
    for i in 0..<half {
      let w = PolynomialFit.evaluationWeights(count: window, degree: polyorder, at: Double(i))
      y[i] = zip(w, x[0..<window]).reduce(0) { $0 + $1.0 * $1.1 }
    }
    for i in (n - half)..<n {
      let position = Double(i - (n - window))
      let w = PolynomialFit.evaluationWeights(count: window, degree: polyorder, at: position)
      y[i] = zip(w, x[(n - window)..<n]).reduce(0) { $0 + $1.0 * $1.1 }
    }
    return y
  }
}

/// Least-squares polynomial fits on equally spaced samples, expressed as linear weights on the samples.
enum PolynomialFit {
  /// Weights w such that Σ w_j·x_j is the degree-`degree` least-squares polynomial through (j, x_j), j = 0..<count,
  /// evaluated at `position`. The abscissa is centred and scaled to [−1, 1] for conditioning.
  static func evaluationWeights(count: Int, degree: Int, at position: Double) -> [Double] {
    let centre = Double(count - 1) / 2
    let scale = max(centre, 1)
    let t = (0..<count).map { (Double($0) - centre) / scale }
    let p = degree + 1
    // Gram matrix G = VᵀV and the evaluation row e = [1, u, u², …] at the scaled position.
    var gram = [Double](repeating: 0, count: p * p)
    for tj in t {
      var powers = [Double](repeating: 1, count: p)
      for q in 1..<max(p, 1) { powers[q] = powers[q - 1] * tj }
      for r in 0..<p { for c in 0..<p { gram[r * p + c] += powers[r] * powers[c] } }
    }
    let u = (position - centre) / scale
    var e = [Double](repeating: 1, count: p)
    for q in 1..<max(p, 1) { e[q] = e[q - 1] * u }
    // w_j = e·G⁻¹·v_j, with v_j = [1, t_j, t_j², …].
    let g = LinearSolve.solve(gram, e, size: p)
    return t.map { tj in
      var total = 0.0
      var power = 1.0
      for q in 0..<p {
        total += g[q] * power
        power *= tj
      }
      return total
    }
  }
}
