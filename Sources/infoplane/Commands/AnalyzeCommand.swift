import ArgumentParser
import Foundation
import InfoPlane

/// `infoplane analyze DIR`: the information plane from activations saved by any framework.
struct AnalyzeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Estimate I(X;L) and I(L;Y) per layer and epoch from saved activations, and write a report.",
    discussion: """
      DIR holds inputs.npy ([n, …] evaluation inputs), labels.npy (n class labels) and one folder per epoch, \
      epoch-NNNN/, with <layer>.npy ([n, …] outputs of that layer, rows in the same order as inputs.npy) — or \
      one file per epoch, epoch-NNNN.safetensors, with a tensor per layer named by the layer. Inputs and every layer are compressed by PCA, then MI is estimated in nats. Writes mi.csv and report.html \
      to --out (default: DIR).
      """
  )

  @Argument(help: "Directory with inputs.npy, labels.npy and epoch-NNNN/<layer>.npy (or epoch-NNNN.safetensors).")
  var directory: String

  @Option(name: .shortAndLong, help: "Output directory for mi.csv and report.html (default: DIR).")
  var out: String?

  @Option(help: "PCA components for the inputs X.")
  var xLatentDim = 4

  @Option(help: "PCA components for each layer.")
  var layerLatentDim = 4

  @Flag(
    help: ArgumentHelp(
      "Leave out, with a warning, a layer whose data cannot be analysed (NaN or infinite values, a wrong row count, "
        + "an unreadable file). A constant layer is not bad: its MIs are exactly 0, flagged constant-layer."))
  var skipBadLayers = false

  @OptionGroup(title: "Estimator") var estimatorOptions: EstimatorOptions
  @OptionGroup(title: "Output") var outputOptions: OutputOptions
  @OptionGroup(title: "Run") var runOptions: RunOptions

  func validate() throws {
    guard xLatentDim >= 1, layerLatentDim >= 1 else {
      throw ValidationError("--x-latent-dim and --layer-latent-dim must be at least 1.")
    }
    try estimatorOptions.checkNeighbours()
    try estimatorOptions.checkLabelForm()
    try estimatorOptions.checkNotNeural("analyze")
  }

  func run() throws {
    try OutputPath.checkDirectory(out ?? directory, option: out == nil ? "the activations directory" : "--out")
    let source = URL(fileURLWithPath: directory)
    let output = URL(fileURLWithPath: out ?? directory)
    let (estimator, k, seed) = (estimatorOptions.resolved(default: .auto), estimatorOptions.k, runOptions.seed)
    var analysis = ActivationAnalysis(
      inputLatentDimension: xLatentDim,
      layers: LayerAnalysis(
        latentDimension: layerLatentDim, estimator: estimator, k: k,
        standardErrorRule: estimatorOptions.standardErrorRule),
      seed: seed)
    analysis.skipBadLayers = skipBadLayers
    let started = Date()
    let rows = try runOptions.withThreads {
      try analysis.run(directory: source, output: output, warn: { standardError("warning: \($0)") }) {
        epoch, rows in
        guard !outputOptions.quiet else { return }
        let summary = rows.map {
          String(format: "%@ %.3f/%.3f", $0.layer, $0.ixl, $0.ily)
            + ($0.ixlFlagged || $0.ilyFlagged ? " (flagged)" : "")
        }.joined(separator: "  ")
        standardError(
          "epoch \(epoch)  I(X;L)/I(L;Y) nats: \(summary)  [\(String(format: "%.1f", Date().timeIntervalSince(started))) s]"
        )
      }
    }
    if outputOptions.json {
      let summary = AnalysisSummary(
        estimator: estimator, k: k, seed: seed, version: infoPlaneVersion,
        miCSV: output.appendingPathComponent("mi.csv").path, report: output.appendingPathComponent("report.html").path,
        rows: rows)
      print(try jsonLine(summary, pretty: true), terminator: "")
    } else {
      print(
        "wrote \(output.appendingPathComponent("mi.csv").path) and \(output.appendingPathComponent("report.html").path)"
      )
    }
  }
}
