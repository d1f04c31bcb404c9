import Foundation
import Testing

@testable import InformationPlane

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct ReportTests {
  /// Counts elements by name with Foundation's XML parser; parsing fails on malformed SVG.
  final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      counts[name, default: 0] += 1
    }
  }

  func parse(_ svg: String) throws -> [String: Int] {
    let parser = XMLParser(data: Data(svg.utf8))
    let counter = ElementCounter()
    parser.delegate = counter
    #expect(parser.parse(), "SVG is not well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
    return counter.counts
  }

  @Test func chartIsWellFormedAndDrawsEveryLayer() throws {
    var chart = SVGChart(title: "estimate vs truth <nats>", xLabel: "true MI", yLabel: "estimate")
    let x = [0.0, 1, 2, 3]
    chart.layers = [
      .band(x: x, lower: [-0.1, 0.8, 1.7, 2.6], upper: [0.1, 1.2, 2.3, 3.4], color: "#1f77b4", label: "±SE"),
      .line(x: x, y: x, color: "#999", dashed: true, label: "identity"),
      .points(x: x, y: [0, 1.1, 1.9, 2.7], color: "#d62728", label: "estimate"),
      .errorBars(x: x, y: [0, 1.1, 1.9, 2.7], xError: nil, yError: [0.1, 0.2, 0.3, 0.4], color: "#d62728"),
      .gradientPath(x: x, y: [0, 1, 2, 3], colors: x.map { rampColor($0 / 3) }),
    ]
    let svg = chart.render()
    let counts = try parse(svg)
    #expect(counts["polygon"] == 1)
    #expect(counts["polyline"] == 1)
    #expect(counts["circle"] == 4)
    #expect(svg.contains("&lt;nats&gt;"))
  }

  @Test func nonFiniteValuesAreSkippedNotDrawn() throws {
    var chart = SVGChart(title: "t", xLabel: "x", yLabel: "y")
    chart.layers = [
      .line(x: [0, 1, 2, 3, 4], y: [0, 1, .nan, 3, 4], color: "#000"),
      .points(x: [0, 1, 2], y: [.infinity, 1, 2], color: "#000"),
    ]
    let svg = chart.render()
    let counts = try parse(svg)
    #expect(counts["polyline"] == 2)  // the NaN splits the line
    #expect(counts["circle"] == 2)
    #expect(!svg.contains("nan") && !svg.contains("inf"))
  }

  @Test func ticksAreNiceAndInsideTheRange() {
    #expect(SVGChart.ticks(0...10) == [0, 2, 4, 6, 8, 10])
    #expect(SVGChart.ticks(-0.3...0.3).allSatisfy { $0 >= -0.3 && $0 <= 0.3 })
    #expect(SVGChart.ticks(5...5).isEmpty)
  }

  @Test func reportIsSelfContained() throws {
    var report = HTMLReport(title: "Run <1>")
    report.paragraph("a & b")
    report.charts([SVGChart(title: "A", xLabel: "x", yLabel: "y"), SVGChart(title: "A", xLabel: "x", yLabel: "y")])
    report.table(header: ["k", "v"], rows: [["seed", "0"]])
    let html = report.render()
    #expect(html.contains("Run &lt;1&gt;") && html.contains("a &amp; b"))
    // No external resources: the only URL is the SVG namespace, and there are no scripts.
    let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
    #expect(!withoutNamespace.contains("http") && !html.contains("<script"))
    #expect(html.contains("clip-chart1") && html.contains("clip-chart2"))  // unique clip ids
  }

  @Test func rampRunsFromPurpleToYellow() {
    #expect(rampColor(0) == "#440154")
    #expect(rampColor(1) == "#fde725")
    #expect(rampColor(.nan) == "#440154")
  }
}

@Suite struct InformationPlaneReportTests {
  @Test func reportShowsEveryLayerAndTheTraining() throws {
    let info = (1...5).flatMap { e in
      ["layer1", "layer2"].map {
        LayerInformation(
          epoch: e, layer: $0, ixl: Double(e), ixlStandardError: 0.1, ily: 0.5, ilyStandardError: 0.05,
          ixlSmoothed: Double(e), ilySmoothed: 0.5)
      }
    }
    let metrics = (1...5).map {
      EpochSummary(
        epoch: $0, trainLoss: 1 / Double($0), trainAccuracy: 0.8, testLoss: 1.1 / Double($0),
        testAccuracy: 0.75, testROCAUC: 0.9, seconds: 2)
    }
    let html = InformationPlaneReport.make(title: "run", settings: [("seed", "0")], metrics: metrics, information: info)
      .render()
    #expect(html.components(separatedBy: "<svg").count - 1 == 2 + 2 + 2)  // plane ×2, MI vs epoch ×2, training ×2
    #expect(html.contains(">layer1<") && html.contains(">layer2<"))
    #expect(html.contains("test ROC-AUC"))
    #expect(!html.contains("nan"))
  }
}

extension InformationPlaneReportTests {
  /// `auto`'s KSG fallbacks are counted in the text and ringed in the fallback colour, once in the plane and once
  /// in the MI-per-epoch chart per fallback point; a run without fallbacks has neither.
  @Test func ksgFallbacksAreRingedAndCounted() throws {
    let info = (1...6).map { e in
      LayerInformation(
        epoch: e, layer: "softmax", ixl: e <= 2 ? 3 : 0.9, ixlStandardError: 0.1, ily: 0.5, ilyStandardError: 0.05,
        ixlSmoothed: 1, ilySmoothed: 0.5, flags: e <= 2 ? [] : ["I_XL:ksg-fallback"])
    }
    let html = InformationPlaneReport.make(title: "run", settings: [], metrics: [], information: info).render()
    #expect(html.contains("Orange rings mark the 4 I(X;L) estimates that are KSG's"))
    #expect(html.components(separatedBy: "stroke=\"\(InformationPlaneReport.fallbackColor)\"").count - 1 == 2 * 4)
    let plain = info.map { row -> LayerInformation in
      var r = row
      r.flags = []
      return r
    }
    let none = InformationPlaneReport.make(title: "run", settings: [], metrics: [], information: plain).render()
    #expect(!none.contains(InformationPlaneReport.fallbackColor) && !none.contains("Orange rings"))
  }
}

@Suite struct LabelEntropyTests {
  @Test func plugInEntropyOfLabels() {
    #expect(abs(InformationPlaneExperiment.labelEntropy([0, 0, 1, 1]) - log(2)) < 1e-15)
    #expect(abs(InformationPlaneExperiment.labelEntropy((0..<1000).map { Int32($0 % 10) }) - log(10)) < 1e-12)
    #expect(InformationPlaneExperiment.labelEntropy([3, 3, 3]) == 0)
  }
}
