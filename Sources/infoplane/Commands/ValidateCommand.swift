import ArgumentParser
import Foundation
@_spi(Benchmarks) import InfoPlane

/// `infoplane validate`: the synthetic benchmark with known MI (the paper's Algorithm 1).
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check lossy-compression MI estimates against synthetic data with known MI.",
    discussion: """
      Fits the compressor once on independent samples of the task, then for each MI value draws a fresh sample of \
      --samples pairs, compresses both sides, estimates MI, and also estimates it on the uncompressed latent \
      parameters. Writes results.csv and report.html to --out. All values are in nats.
      """
  )

  @Option(help: "Task: \(SyntheticTask.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var task: SyntheticTask.Kind = .blobs

  @Option(
    name: .customLong("compressor"),
    help: """
      Compressor: ae, pca or none (default: none for label-mixing, cluster-codes and noisy-quantized, whose \
      variables are already codes, and for the neural bounds, whose critic reads the raw images; pca otherwise).
      """)
  var compressorOption: CompressorChoice?

  var compressor: CompressorChoice {
    compressorOption
      ?? ([.labelMixing, .noisyQuantized, .clusterCodes].contains(task) || estimatorOptions.estimator?.isNeural == true
        ? .none : .pca)
  }

  @Option(help: "Code dimension per side (default: the task's intrinsic dimension).")
  var latentDim: Int?

  @Option(help: "Image side in pixels for the image tasks (16 or 32 in the paper).")
  var imageSize = 32

  @Option(
    help: """
      Latent dimension per side for the gaussian and noisy-quantized tasks (default 2 and 4), of X for the labels task \
      (10), and of the clusters of label-mixing and cluster-codes (4).
      """)
  var dimension: Int?

  @OptionGroup(title: "Estimator") var estimatorOptions: EstimatorOptions
  @OptionGroup(title: "Neural bounds") var neuralOptions: NeuralOptions

  @Option(help: "True MI values in nats: a list \"0,1,2.5,5\" or a range a:b:count (the paper: 0:10:41).")
  var mi = "0,1,2.5,5"

  @Option(help: "Also report the mean absolute error over the grid points with these true MI values (nats).")
  var maeAt = "0,1,2.5,5"

  @Option(help: "Samples per MI value.")
  var samples = 5000

  @Option(help: "Independent samples the compressor is fitted on.")
  var trainingSamples = 6000

  @Option(help: "Autoencoder epochs (default \(AutoencoderTraining().epochs)).")
  var aeEpochs = AutoencoderTraining().epochs

  @Option(help: "Autoencoder batch size (default \(AutoencoderTraining().batchSize)).")
  var aeBatchSize = AutoencoderTraining().batchSize

  @Option(help: "Autoencoder Adam learning rate at the start (default \(AutoencoderTraining().learningRate)).")
  var aeLearningRate = AutoencoderTraining().learningRate

  @Option(
    help:
      "Autoencoder learning rate at the last epoch, reached by a cosine (default \(AutoencoderTraining().finalLearningRate))."
  )
  var aeFinalLearningRate = AutoencoderTraining().finalLearningRate

  @Option(help: "Autoencoder loss: l1 or mse.")
  var aeLoss: LossFunction = .l1

  @Option(help: "Autoencoder Gaussian noise σ on the input during training.")
  var aeInputNoise = AutoencoderTraining().inputNoise

  @Option(help: "Autoencoder Gaussian noise σ on the code during training.")
  var aeCodeNoise = AutoencoderTraining().codeNoise

  @Option(name: .shortAndLong, help: "Output directory for results.csv and report.html.")
  var out = "validate-out"

  @OptionGroup(title: "Output") var outputOptions: OutputOptions
  @OptionGroup(title: "Run") var runOptions: RunOptions

  var seed: UInt64 { runOptions.seed }
  var k: Int { estimatorOptions.k }
  var standardErrorRule: StandardErrorRule { estimatorOptions.standardErrorRule }

  func validation() throws -> (SyntheticValidation, [Double]) {
    let grid = try SyntheticValidation.parseGrid(mi)
    let synthetic = SyntheticTask(kind: task, imageSize: imageSize, latentDimension: dimension)
    var run = SyntheticValidation(
      task: synthetic, compressor: compressor, latentDimension: latentDim, estimator: estimatorOptions.estimator, k: k,
      samples: samples, trainingSamples: trainingSamples, seed: seed,
      autoencoder: autoencoderTraining, standardErrorRule: standardErrorRule)
    run.neuralSettings = neuralOptions.applied(to: MIEstimatorChoice.Settings())
    try run.validate(mutualInformation: grid)
    try run.estimator.checkNeural(run.neuralSettings, samples: samples)
    return (run, grid)
  }

  var autoencoderTraining: AutoencoderTraining {
    AutoencoderTraining(
      epochs: aeEpochs, batchSize: aeBatchSize, learningRate: aeLearningRate,
      finalLearningRate: aeFinalLearningRate, loss: aeLoss,
      inputNoise: aeInputNoise, codeNoise: aeCodeNoise)
  }

  /// The samples of one MI value (X and Y, as Float32 tensors and Float64 matrices) must fit in half of this
  /// machine's memory; checked before anything is allocated.
  /// - Throws: `ValidationError` naming the options and the limit.
  func checkMemory() throws {
    let kind = SyntheticTask(kind: task, imageSize: 4, latentDimension: dimension)
    let isImage = kind.sampleShape.count == 3
    let perSample = isImage ? Double(imageSize) * Double(imageSize) : Double(kind.sampleShape.reduce(1, *))
    let bytes = (Double(samples) + Double(trainingSamples)) * perSample * 2 * (4 + 8)
    let budget = ExperimentConfig.memoryBudget
    guard bytes <= budget else {
      let what =
        isImage
        ? "--samples \(samples), --training-samples \(trainingSamples), --image-size \(imageSize)"
        : "--samples \(samples), --training-samples \(trainingSamples)"
      throw ValidationError(
        String(
          format: "%@ need about %.3g GB for the samples alone, more than half of this machine's memory (%.1f GB); "
            + "lower them.", what, bytes / 1e9, budget / 1e9))
    }
  }

  func validate() throws {
    try estimatorOptions.checkLabelForm()
    try neuralOptions.check(for: estimatorOptions.estimator ?? .auto)
    guard imageSize >= 4 else { throw ValidationError("--image-size must be at least 4 (got \(imageSize)).") }
    guard aeEpochs >= 1, aeEpochs <= ExperimentConfig.largestCount else {
      throw ValidationError("--ae-epochs must be in 1…\(ExperimentConfig.largestCount) (got \(aeEpochs)).")
    }
    guard samples >= 1, trainingSamples >= 1 else {
      throw ValidationError("--samples and --training-samples must be at least 1 (got \(samples), \(trainingSamples)).")
    }
    try checkMemory()
    do {
      _ = try validation()
      _ = try SyntheticValidation.parseGrid(maeAt)
    } catch let error as InformationPlaneError { throw ValidationError(error.description) } catch let error
      as DatasetsError
    {
      throw ValidationError(error.description)
    } catch let error as NeuralEstimatorError { throw ValidationError(error.description) }
  }

  func run() throws {
    try OutputPath.checkDirectory(out, option: "--out")
    try runOptions.withThreads(validateEstimates)
  }

  private func validateEstimates() throws {
    let quiet = outputOptions.quiet
    let (validation, grid) = try validation()
    let started = Date()
    let result = try validation.run(
      mutualInformation: grid,
      trainingProgress: { epoch, loss in
        guard !quiet, epoch == 1 || epoch % 10 == 0 || epoch == aeEpochs else { return }
        standardError(
          String(
            format: "autoencoder epoch %d/%d  loss %.5f  (%.0f s)", epoch, aeEpochs, loss,
            Date().timeIntervalSince(started)))
      },
      neuralProgress: { line in if !quiet { standardError(line) } },
      progress: { index, point in
        guard !quiet else { return }
        let elapsed = Date().timeIntervalSince(started)
        let eta = elapsed / Double(index + 1) * Double(grid.count - index - 1)
        standardError(
          String(
            format: "[%d/%d] true %.3f  estimate %.3f ± %.3f  latent %.3f  (%.0f s, ETA %.0f s)%@", index + 1,
            grid.count,
            point.trueMI, point.estimate, point.standardError, point.latentEstimate, elapsed, eta,
            point.flags.isEmpty ? "" : "  FLAGGED: " + point.flags.joined(separator: ", ")))
      })
    let output = URL(fileURLWithPath: out)
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    try Data(ValidationReport.csv(result.points).utf8).write(
      to: output.appendingPathComponent("results.csv"), options: .atomic)
    let t = result.timings
    let timing = String(
      format: "Seconds per stage, wall (CPU): compressor training %.1f (%.1f), sampling and rendering %.1f (%.1f), "
        + "compression %.1f (%.1f), estimation %.1f (%.1f); total %.1f (%.1f).",
      t.compressorTraining, t.compressorTrainingCPU, t.sampling, t.samplingCPU, t.compression, t.compressionCPU,
      t.estimation, t.estimationCPU, t.total, t.totalCPU)
    // What the estimate column measured: codes of the compressor, or the observed samples themselves.
    let measured = compressor == .none ? "on the observed samples" : "compressed"
    let overall = ValidationReport.meanAbsoluteError(result.points)
    let (mae, latentMAE) = (overall?.compressed ?? 0, overall?.latent ?? 0)
    let subset = try ValidationReport.meanAbsoluteError(result.points, at: SyntheticValidation.parseGrid(maeAt))
    let subsetNote = subset.map {
      String(
        format: "Mean absolute error at the %d points with true MI in {%@}: %.3f nats %@, %.3f nats "
          + "on the uncompressed latents.", $0.count, maeAt, $0.compressed, measured, $0.latent)
    }
    var settings: [(String, String)] = [
      ("task", task.rawValue), ("image size", String(imageSize)), ("compressor", compressor.rawValue),
      ("latent dimension", String(validation.latentDimension)),
      (
        "estimator",
        validation.estimator.rawValue
          + (standardErrorRule == .perSample && [.wkl, .kl].contains(validation.estimator)
            ? ", per-sample standard errors" : "")
      ), ("k", String(k)),
      ("samples per point", String(samples)), ("training samples", String(trainingSamples)),
      (
        "autoencoder",
        compressor == .ae
          ? String(
            format: "%d epochs, batch %d, Adam %g → %g (cosine), %@ loss, noise σ %g on the input and %g on the code",
            aeEpochs, aeBatchSize, aeLearningRate, aeFinalLearningRate, aeLoss.rawValue, aeInputNoise, aeCodeNoise)
          : "—"
      ),
      ("seed", String(seed)), ("version", infoPlaneVersion),
    ]
    if validation.estimator.isNeural {
      let s = validation.neuralSettings
      let defaults = NeuralMIEstimator(bound: VariationalBound(rawValue: validation.estimator.rawValue)!)
      settings.insert(
        (
          "neural bound",
          String(
            format: "critic trained %d steps, batch %d, Adam %g, %g of each sample held out for the reported bound",
            s.neuralSteps ?? defaults.steps, s.neuralBatch ?? defaults.batchSize,
            s.neuralLearningRate ?? defaults.learningRate, s.heldOutFraction ?? defaults.heldOutFraction)
        ), at: 5)
    }
    try ValidationReport.make(
      title: "Synthetic validation — \(task.rawValue), \(compressor.rawValue)"
        + (validation.estimator.isNeural ? ", \(validation.estimator.rawValue)" : ""), points: result.points,
      settings: settings, notes: result.notes + [timing] + (subsetNote.map { [$0] } ?? []),
      measured: measured
    )
    .write(to: output.appendingPathComponent("report.html"))
    if outputOptions.json {
      let summary = ValidationSummary(
        task: task.rawValue, compressor: compressor, estimator: validation.estimator, k: k, samples: samples,
        seed: seed,
        version: infoPlaneVersion, meanAbsoluteError: mae, latentMeanAbsoluteError: latentMAE,
        maeAt: try SyntheticValidation.parseGrid(maeAt), maeAtPoints: subset?.count ?? 0,
        maeAtCompressed: subset?.compressed ?? .nan, maeAtLatent: subset?.latent ?? .nan, timings: t,
        points: result.points)
      print(try jsonLine(summary, pretty: true), terminator: "")
    } else {
      print(
        String(
          format: "mean absolute error %.3f nats %@, %.3f nats on the uncompressed latents, over %d points; "
            + "wrote %@/results.csv and report.html", mae, measured, latentMAE, result.points.count, out))
      if let subsetNote { print(subsetNote) }
      for note in result.notes { standardError(note) }
      standardError(timing)
    }
  }
}

extension SyntheticTask.Kind: ExpressibleByArgument {}
extension LossFunction: ExpressibleByArgument {}
