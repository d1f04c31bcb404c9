import Foundation

/// A small, dependency-free 2-D chart rendered as inline SVG (for self-contained HTML reports that open offline).
///
/// Layers are drawn in order: bands, lines, error bars, points. Axis ranges cover all data unless fixed.
package struct SVGChart: Sendable {
  /// One drawable layer.
  package enum Layer: Sendable {
    /// A polyline through the points (NaN points break the line).
    case line(x: [Double], y: [Double], color: String, width: Double = 2, dashed: Bool = false, label: String? = nil)
    /// Markers; `colors` (one per point) overrides `color` when given; `hollow` draws rings (flagged estimates).
    case points(
      x: [Double], y: [Double], color: String, colors: [String]? = nil, radius: Double = 3,
      hollow: Bool = false, label: String? = nil)
    /// A filled band between `lower` and `upper` over x.
    case band(x: [Double], lower: [Double], upper: [Double], color: String, opacity: Double = 0.2, label: String? = nil)
    /// Error bars: ±xError horizontally and ±yError vertically around each point (either may be nil).
    case errorBars(
      x: [Double], y: [Double], xError: [Double]?, yError: [Double]?, color: String, opacity: Double = 0.35)
    /// Line segments between consecutive points, each coloured by its own colour (a trajectory coloured by time).
    case gradientPath(x: [Double], y: [Double], colors: [String], width: Double = 2.5, label: String? = nil)
  }

  package var title: String
  package var xLabel: String
  package var yLabel: String
  package var width: Double
  package var height: Double
  package var layers: [Layer] = []
  /// Fixed axis ranges; nil = fit the data (with 5 % padding).
  package var xRange: ClosedRange<Double>?
  package var yRange: ClosedRange<Double>?
  /// Unique within one HTML page (used for the clip path's id); defaults to the title.
  package var identifier: String

  package init(title: String, xLabel: String, yLabel: String, width: Double = 420, height: Double = 320) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.width = width
    self.height = height
    self.identifier = title
  }

  private let margin = (left: 58.0, right: 14.0, top: 30.0, bottom: 46.0)

  /// The chart as an `<svg>` element.
  package func render() -> String {
    let xs = layers.flatMap { Self.xExtent(of: $0) }.filter(\.isFinite)
    let ys = layers.flatMap { Self.yExtent(of: $0) }.filter(\.isFinite)
    let xr = xRange ?? Self.padded(xs)
    let yr = yRange ?? Self.padded(ys)
    let plotW = width - margin.left - margin.right
    let plotH = height - margin.top - margin.bottom
    func px(_ x: Double) -> Double { margin.left + (x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * plotW }
    func py(_ y: Double) -> Double {
      margin.top + plotH - (y - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * plotH
    }
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(f(width)) \(f(height))" width="\(f(width))" \
      height="\(f(height))" font-family="system-ui, sans-serif" font-size="11">
      <title>\(escape(title))</title>
      <rect x="0" y="0" width="\(f(width))" height="\(f(height))" fill="white"/>
      <text x="\(f(width / 2))" y="18" text-anchor="middle" font-size="13" font-weight="600">\(escape(title))</text>

      """
    // Grid and ticks.
    for t in Self.ticks(xr) {
      svg +=
        "<line x1=\"\(f(px(t)))\" y1=\"\(f(margin.top))\" x2=\"\(f(px(t)))\" y2=\"\(f(margin.top + plotH))\" stroke=\"#eee\"/>"
      svg +=
        "<text x=\"\(f(px(t)))\" y=\"\(f(margin.top + plotH + 14))\" text-anchor=\"middle\" fill=\"#444\">\(Self.label(t))</text>\n"
    }
    for t in Self.ticks(yr) {
      svg +=
        "<line x1=\"\(f(margin.left))\" y1=\"\(f(py(t)))\" x2=\"\(f(margin.left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#eee\"/>"
      svg +=
        "<text x=\"\(f(margin.left - 5))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\" fill=\"#444\">\(Self.label(t))</text>\n"
    }
    svg +=
      "<rect x=\"\(f(margin.left))\" y=\"\(f(margin.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#888\"/>\n"
    svg +=
      "<text x=\"\(f(margin.left + plotW / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
    svg +=
      "<text transform=\"translate(14 \(f(margin.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
    let clipID = "clip-" + String(identifier.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
    svg +=
      "<clipPath id=\"\(clipID)\"><rect x=\"\(f(margin.left))\" y=\"\(f(margin.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\"/></clipPath>\n"
    svg += "<g clip-path=\"url(#\(clipID))\">\n"
    let ordered =
      layers.filter { if case .band = $0 { true } else { false } }
      + layers.filter {
        if case .band = $0 { false } else { true }
      }
    var legend: [(String, String)] = []
    for layer in ordered {
      switch layer {
      case let .band(x, lower, upper, color, opacity, label):
        let top = zip(x, upper).filter { $0.0.isFinite && $0.1.isFinite }.map { "\(f(px($0.0))),\(f(py($0.1)))" }
        let bottom = zip(x, lower).filter { $0.0.isFinite && $0.1.isFinite }.reversed().map {
          "\(f(px($0.0))),\(f(py($0.1)))"
        }
        if !top.isEmpty {
          svg +=
            "<polygon points=\"\((top + bottom).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"\(opacity)\" stroke=\"none\"/>\n"
        }
        if let label { legend.append((label, color)) }
      case let .line(x, y, color, lineWidth, dashed, label):
        for run in Self.finiteRuns(x, y) {
          let points = run.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
          svg +=
            "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(f(lineWidth))\"\(dashed ? " stroke-dasharray=\"5 4\"" : "")/>\n"
        }
        if let label { legend.append((label, color)) }
      case let .errorBars(x, y, xError, yError, color, opacity):
        for i in x.indices where x[i].isFinite && y[i].isFinite {
          if let ye = yError?[i], ye.isFinite, ye > 0 {
            svg +=
              "<line x1=\"\(f(px(x[i])))\" y1=\"\(f(py(y[i] - ye)))\" x2=\"\(f(px(x[i])))\" y2=\"\(f(py(y[i] + ye)))\" stroke=\"\(color)\" stroke-opacity=\"\(opacity)\"/>"
          }
          if let xe = xError?[i], xe.isFinite, xe > 0 {
            svg +=
              "<line x1=\"\(f(px(x[i] - xe)))\" y1=\"\(f(py(y[i])))\" x2=\"\(f(px(x[i] + xe)))\" y2=\"\(f(py(y[i])))\" stroke=\"\(color)\" stroke-opacity=\"\(opacity)\"/>"
          }
        }
        svg += "\n"
      case let .points(x, y, color, colors, radius, hollow, label):
        for i in x.indices where x[i].isFinite && y[i].isFinite {
          let paint = colors?[i] ?? color
          let style = hollow ? "fill=\"none\" stroke=\"\(paint)\" stroke-width=\"1.5\"" : "fill=\"\(paint)\""
          svg += "<circle cx=\"\(f(px(x[i])))\" cy=\"\(f(py(y[i])))\" r=\"\(f(radius))\" \(style)/>"
        }
        svg += "\n"
        if let label { legend.append((label, color)) }
      case let .gradientPath(x, y, colors, lineWidth, label):
        for i in x.indices.dropFirst() where [x[i], y[i], x[i - 1], y[i - 1]].allSatisfy(\.isFinite) {
          svg +=
            "<line x1=\"\(f(px(x[i - 1])))\" y1=\"\(f(py(y[i - 1])))\" x2=\"\(f(px(x[i])))\" y2=\"\(f(py(y[i])))\" stroke=\"\(colors[i])\" stroke-width=\"\(f(lineWidth))\" stroke-linecap=\"round\"/>"
        }
        svg += "\n"
        if let label { legend.append((label, colors.last ?? "#000")) }
      }
    }
    svg += "</g>\n"
    for (i, entry) in legend.enumerated() {
      let y = margin.top + 12 + Double(i) * 15
      svg += "<rect x=\"\(f(margin.left + 8))\" y=\"\(f(y - 8))\" width=\"10\" height=\"10\" fill=\"\(entry.1)\"/>"
      svg += "<text x=\"\(f(margin.left + 22))\" y=\"\(f(y + 1))\">\(escape(entry.0))</text>\n"
    }
    svg += "</svg>"
    return svg
  }

  // MARK: - Geometry helpers

  static func xExtent(of layer: Layer) -> [Double] {
    switch layer {
    case let .line(x, _, _, _, _, _), let .points(x, _, _, _, _, _, _), let .band(x, _, _, _, _, _),
      let .gradientPath(x, _, _, _, _):
      return x
    case let .errorBars(x, _, xError, _, _, _):
      guard let xError else { return x }
      return zip(x, xError).flatMap { [$0.0 - $0.1, $0.0 + $0.1] }
    }
  }

  static func yExtent(of layer: Layer) -> [Double] {
    switch layer {
    case let .line(_, y, _, _, _, _), let .points(_, y, _, _, _, _, _), let .gradientPath(_, y, _, _, _): return y
    case let .band(_, lower, upper, _, _, _): return lower + upper
    case let .errorBars(_, y, _, yError, _, _):
      guard let yError else { return y }
      return zip(y, yError).flatMap { [$0.0 - $0.1, $0.0 + $0.1] }
    }
  }

  static func padded(_ values: [Double]) -> ClosedRange<Double> {
    guard let lo = values.min(), let hi = values.max() else { return 0...1 }
    if hi - lo < 1e-12 { return (lo - 0.5)...(hi + 0.5) }
    let pad = 0.05 * (hi - lo)
    return (lo - pad)...(hi + pad)
  }

  /// About five "nice" ticks (1, 2, 5 × 10^k steps) inside the range.
  static func ticks(_ range: ClosedRange<Double>) -> [Double] {
    let span = range.upperBound - range.lowerBound
    guard span > 0, span.isFinite else { return [] }
    let raw = span / 5
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    var t = ceil(range.lowerBound / step) * step
    var out: [Double] = []
    while t <= range.upperBound + 1e-9 * step {
      out.append(abs(t) < 1e-12 * step ? 0 : t)
      t += step
    }
    return out
  }

  static func label(_ v: Double) -> String {
    if v == 0 { return "0" }
    if abs(v) >= 1e4 || abs(v) < 1e-3 { return String(format: "%.1e", v) }
    let s = String(format: "%.3f", v)
    var trimmed = s
    while trimmed.hasSuffix("0") { trimmed.removeLast() }
    if trimmed.hasSuffix(".") { trimmed.removeLast() }
    return trimmed
  }

  static func finiteRuns(_ x: [Double], _ y: [Double]) -> [[(Double, Double)]] {
    var runs: [[(Double, Double)]] = [[]]
    for (a, b) in zip(x, y) {
      if a.isFinite && b.isFinite {
        runs[runs.count - 1].append((a, b))
      } else if !runs[runs.count - 1].isEmpty {
        runs.append([])
      }
    }
    return runs.filter { !$0.isEmpty }
  }
}

/// Formats a coordinate with two decimals (keeps the SVG small).
func f(_ v: Double) -> String { String(format: "%.2f", v) }

/// Escapes text for HTML and SVG.
package func escape(_ text: String) -> String {
  var out = ""
  for ch in text {
    switch ch {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    default: out.append(ch)
    }
  }
  return out
}

/// A colour ramp (viridis-like, 5 stops) for values t in [0, 1]: early epochs dark purple, late epochs yellow.
package func rampColor(_ t: Double) -> String {
  let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
  let s = min(max(t.isFinite ? t : 0, 0), 1) * Double(stops.count - 1)
  let i = min(Int(s), stops.count - 2)
  let u = s - Double(i)
  let (a, b) = (stops[i], stops[i + 1])
  let r = Int((a.0 + u * (b.0 - a.0)).rounded()), g = Int((a.1 + u * (b.1 - a.1)).rounded())
  let bl = Int((a.2 + u * (b.2 - a.2)).rounded())
  return String(format: "#%02x%02x%02x", r, g, bl)
}
