import ArgumentParser
import Foundation
import InfoPlane

/// `infoplane bmi SAMPLE_CSV DIM_X DIM_Y`: the external-estimator protocol of the `bmi` benchmark (Czyż et al.,
/// NeurIPS 2023): read its sample CSV, print the MI estimate in nats as one number and nothing else.
struct BMICommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bmi",
    abstract: "Estimate MI from a bmi benchmark sample CSV and print only the number (nats).",
    discussion: """
      The command shape the bmi benchmark (cbg-ethz/bmi) calls external estimators with: EXE SAMPLE_CSV DIM_X DIM_Y \
      [options], reading one float from the output (stderr merged in). The CSV is what bmi writes: a header \
      X0 … X{DIM_X−1}, Y0 … Y{DIM_Y−1}, then one sample per row. Nothing but the number is printed on success \
      (notes and flags are left out: use `estimate` to see them); an error exits with status 2 and its message. \
      README "Use InfoPlane inside the bmi benchmark" shows the plug-in.
      """
  )

  @Argument(help: "The sample CSV written by bmi (header X0…, Y0…).")
  var sample: String

  @Argument(help: "Columns of X (the first ones).")
  var dimX: Int

  @Argument(help: "Columns of Y (the rest).")
  var dimY: Int

  @OptionGroup(title: "Estimator") var estimatorOptions: EstimatorOptions
  @OptionGroup(title: "Neural bounds") var neuralOptions: NeuralOptions
  @OptionGroup(title: "Run") var runOptions: RunOptions

  var estimator: MIEstimatorChoice { estimatorOptions.resolved(default: .ksg) }

  func validate() throws {
    try estimatorOptions.checkNeighbours()
    guard dimX >= 1, dimY >= 1 else {
      throw ValidationError("DIM_X and DIM_Y must be at least 1 (got \(dimX) and \(dimY)).")
    }
    try neuralOptions.check(for: estimator)
  }

  func run() throws {
    print(try output())
  }

  /// The number `run()` prints (full Float64 precision).
  func output() throws -> String {
    let file = try ArrayFile.read(contentsOf: URL(fileURLWithPath: sample), csvHeader: .present)
    guard file.format == .csv, let array = file.arrays.first?.array, array.rank == 2 else {
      throw ValidationError("\(sample) is not a bmi sample CSV (a header row, then one sample per row).")
    }
    let columns = array.shape[1]
    guard columns == dimX + dimY else {
      throw ValidationError(
        "\(sample) has \(columns) columns but DIM_X + DIM_Y = \(dimX) + \(dimY) = \(dimX + dimY).")
    }
    if let names = file.columnNames {
      let expected = (0..<dimX).map { "X\($0)" } + (0..<dimY).map { "Y\($0)" }
      let stripped = names.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
      guard stripped == expected else {
        throw ValidationError(
          "\(sample): the header is \(stripped.prefix(6).joined(separator: ","))… but bmi's layout for DIM_X = "
            + "\(dimX), DIM_Y = \(dimY) is \(expected.prefix(6).joined(separator: ","))….")
      }
    }
    let all = array.matrix()
    func part(_ range: Range<Int>) -> Matrix {
      var scalars: [Double] = []
      scalars.reserveCapacity(all.rows * range.count)
      for r in 0..<all.rows { for c in range { scalars.append(all[r, c]) } }
      return Matrix(rows: all.rows, columns: range.count, scalars: scalars)
    }
    let x = part(0..<dimX)
    let y = part(dimX..<columns)
    var settings = MIEstimatorChoice.Settings(
      k: estimatorOptions.k, seed: runOptions.seed, standardErrorRule: estimatorOptions.standardErrorRule)
    settings = neuralOptions.applied(to: settings)
    let estimate: Estimate
    do {
      estimate = try runOptions.withThreads { try estimator.estimate(x, y, settings: settings) }
    } catch let error as EstimatorError {
      throw ValidationError("\(error) (\(sample))")
    }
    guard estimate.value.isFinite else {
      throw ValidationError("\(estimator.rawValue) gave a non-finite estimate on \(sample); try --estimator ksg.")
    }
    return String(describing: estimate.value)
  }
}
