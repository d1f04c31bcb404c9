import Foundation
import InfoPlane
import Testing

@testable import infoplane

@Suite struct EstimateCommandTests {
  private static func directory() throws -> URL { try CLITest.directory("estimate") }

  private static func estimate(_ arguments: [String]) throws -> String {
    let command = try InfoPlaneCommand.parseAsRoot(["estimate"] + arguments)
    return try #require(command as? EstimateCommand).output().0
  }

  /// Writes correlated Gaussian pairs (ρ = 0.8, I = 0.5108 nats) as x.npy and y.npy (and y.csv).
  private static func pairs(in directory: URL, n: Int = 2_000) throws -> (String, String) {
    var rng = Xoshiro256(seed: 1)
    var x = Matrix.zeros(n, 1), y = Matrix.zeros(n, 1)
    for i in 0..<n {
      let a = rng.nextGaussian()
      x[i, 0] = a
      y[i, 0] = 0.8 * a + 0.6 * rng.nextGaussian()
    }
    let xf = directory.appendingPathComponent("x.npy"), yf = directory.appendingPathComponent("y.npy")
    try NPY.write(NPYArray(x), to: xf)
    try NPY.write(NPYArray(y), to: yf)
    try (0..<n).map { String(y[$0, 0]) }.joined(separator: "\n").write(
      to: directory.appendingPathComponent("y.csv"), atomically: true, encoding: .utf8)
    return (xf.path, yf.path)
  }

  private static func status(_ arguments: [String]) -> Int32 { CLITest.status(["estimate"] + arguments) }
  private static func fails(_ arguments: [String], saying fragments: String...) -> Bool {
    CLITest.fails(["estimate"] + arguments, saying: fragments)
  }

  @Test func printsJSONWithTheRequiredKeys() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, y) = try Self.pairs(in: directory)
    let text = try Self.estimate([x, y, "--json", "-k", "3", "--estimator", "ksg"])
    #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["unit"] as? String == "nats")
    #expect(object["estimator"] as? String == "ksg")
    #expect(object["k"] as? Int == 3)
    #expect(object["n"] as? Int == 2_000)
    #expect(object["dx"] as? Int == 1 && object["dy"] as? Int == 1)
    let mi = try #require(object["mi"] as? Double), se = try #require(object["standard_error"] as? Double)
    #expect(abs(mi - (-0.5 * log(1 - 0.64))) <= max(0.05, 4 * se))
    // The library gives the same number.
    let library = try KSG(k: 3).estimate(
      try NPY.read(contentsOf: URL(fileURLWithPath: x)).matrix(),
      try NPY.read(contentsOf: URL(fileURLWithPath: y)).matrix())
    #expect(mi == library.value)
  }

  /// --bits adds the value in bits (nats / ln 2), labelled; the nats stay.
  @Test func bitsOnRequest() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, y) = try Self.pairs(in: directory)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(Self.estimate([x, y, "--json", "--bits"]).utf8)) as? [String: Any])
    let mi = try #require(object["mi"] as? Double), miBits = try #require(object["mi_bits"] as? Double)
    #expect(abs(miBits * log(2) - mi) <= 1e-12 && object["unit"] as? String == "nats")
    let se = try #require(object["standard_error"] as? Double)
    #expect(abs(try #require(object["standard_error_bits"] as? Double) * log(2) - se) <= 1e-12)
    let text = try Self.estimate([x, y, "--bits"])
    #expect(
      text.hasPrefix(String(format: "I(X;Y) = %.6f ± %.6f nats = %.6f ± %.6f bits\n", mi, se, mi / log(2), se / log(2)))
    )
    #expect(!(try Self.estimate([x, y])).contains("bits"))
  }

  /// FILE:NAME picks one array of a file that holds several (safetensors); the plain path then lists the names.
  @Test func namedArrayOfASafetensorsFile() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, y) = try Self.pairs(in: directory)
    let both = directory.appendingPathComponent("both.safetensors")
    try SafeTensors.write(
      [
        "x": try NPY.read(contentsOf: URL(fileURLWithPath: x)),
        "y": try NPY.read(contentsOf: URL(fileURLWithPath: y)),
      ], to: both)
    #expect(try Self.estimate([both.path + ":x", both.path + ":y"]) == (try Self.estimate([x, y])))
    #expect(Self.fails([both.path, y], saying: "holds 2 arrays", ":NAME"))
    #expect(throws: (any Error).self) { try Self.estimate([both.path, y]) }
    #expect(Self.fails([both.path + ":z", y], saying: "no array named 'z'"))
  }

  @Test(arguments: ["ksg", "ksg2", "kl", "wkl", "entropy-sum", "gaussian"])
  func everyEstimatorReadsNPYAndCSV(estimator: String) throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, _) = try Self.pairs(in: directory)
    let text = try Self.estimate([x, directory.appendingPathComponent("y.csv").path, "--estimator", estimator])
    #expect(text.hasPrefix("I(X;Y) = 0.") && text.contains(" nats\nestimator \(estimator)"))
  }

  @Test func labelsGiveTheEntropyOfADeterministicLabel() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, _) = try Self.pairs(in: directory)
    let xm = try NPY.read(contentsOf: URL(fileURLWithPath: x)).matrix()
    let labels = directory.appendingPathComponent("labels.npy")
    try NPY.write(NPYArray(labels: (0..<xm.rows).map { xm[$0, 0] > 0 ? 1 : 0 }), to: labels)
    let text = try Self.estimate([x, labels.path, "--labels", "--json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["estimator"] as? String == "ksg" && object["classes"] as? Int == 2)
    let mi = try #require(object["mi"] as? Double)
    #expect(abs(mi - log(2)) < 0.05)
    #expect((object["flags"] as? [String]) == [])
    let paper = try #require(
      try JSONSerialization.jsonObject(
        with: Data(Self.estimate([x, labels.path, "--labels", "--estimator", "entropy-sum", "--json"]).utf8))
        as? [String: Any])
    #expect(abs((paper["mi"] as? Double ?? 0) - log(2)) < 0.05)
  }

  @Test func badInputExitsWithStatusTwoAndAClearMessage() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, y) = try Self.pairs(in: directory)
    // Mismatched sample counts.
    let short = directory.appendingPathComponent("short.npy")
    try NPY.write(NPYArray(Matrix.zeros(10, 1)), to: short)
    #expect(Self.fails([x, short.path], saying: "X has 2000 samples (rows) but Y has 10", "Y: \(short.path)"))
    #expect(throws: EstimatorError.sampleCountMismatch(x: 2_000, y: 10)) { try Self.estimate([x, short.path]) }
    // An empty file.
    let empty = directory.appendingPathComponent("empty.csv")
    try "".write(to: empty, atomically: true, encoding: .utf8)
    #expect(Self.fails([x, empty.path], saying: "empty"))
    // NaN, named by row and column.
    var bad = try NPY.read(contentsOf: URL(fileURLWithPath: x)).matrix()
    bad[12, 0] = .nan
    let nan = directory.appendingPathComponent("nan.npy")
    try NPY.write(NPYArray(bad), to: nan)
    #expect(Self.fails([nan.path, y], saying: "NaN or Inf", "X: \(nan.path)"))
    #expect(throws: EstimatorError.nonFinite(variable: "X", row: 12, column: 0)) { try Self.estimate([nan.path, y]) }
    // n ≤ k, a class with ≤ k samples, labels with ksg, k = 0.
    #expect(Self.fails([short.path, short.path, "-k", "10"], saying: "k = 10"))
    let labels = directory.appendingPathComponent("labels.npy")
    try NPY.write(NPYArray(labels: (0..<2_000).map { $0 < 3 ? 9 : 0 }), to: labels)
    #expect(throws: EstimatorError.tooFewClassSamples(label: 9, count: 3, k: 5)) {
      try Self.estimate([x, labels.path, "--labels"])
    }
    #expect(Self.fails([x, labels.path, "--labels"], saying: "class 9 has 3 samples", "k = 5"))
    #expect(Self.fails([x, labels.path, "--labels", "--estimator", "gaussian"], saying: "not gaussian"))
    #expect(Self.fails([x, y, "-k", "0"], saying: "-k must be at least 1"))
    #expect(Self.fails([x, directory.appendingPathComponent("missing.npy").path], saying: "missing.npy"))
  }

  @Test func tieBreakingIsReportedAndCanBeTurnedOff() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (_, y) = try Self.pairs(in: directory)
    let rounded = directory.appendingPathComponent("rounded.npy")
    let ym = try NPY.read(contentsOf: URL(fileURLWithPath: y)).matrix()
    try NPY.write(NPYArray(Matrix(rows: ym.rows, columns: 1, scalars: ym.scalars.map { $0.rounded() })), to: rounded)
    // KSG (default): ties counted by Gao et al.'s rule, or jittered on request.
    let counted = try #require(
      try JSONSerialization.jsonObject(with: Data(Self.estimate([rounded.path, y, "--json"]).utf8)) as? [String: Any])
    #expect(counted["tie_breaking"] as? String == "count")
    let jittered = try #require(
      try JSONSerialization.jsonObject(
        with: Data(Self.estimate([rounded.path, y, "--json", "--jitter-ties"]).utf8)) as? [String: Any])
    #expect((jittered["notes"] as? [String])?.first?.contains("ties in X columns [0]") == true)
    // Entropy sums: jitter by default, reported; off on request.
    let on = try #require(
      try JSONSerialization.jsonObject(
        with: Data(Self.estimate([rounded.path, y, "--json", "--estimator", "kl"]).utf8)) as? [String: Any])
    #expect((on["notes"] as? [String])?.first?.contains("ties in X columns [0]") == true)
    #expect(on["tie_breaking"] as? String == "jitter")
    #expect(Self.fails([rounded.path, y, "--estimator", "kl", "--no-tie-breaking"], saying: "duplicate"))
  }

  /// The default estimate does not depend on units: X at 10⁻³…10³ times its scale gives the same value.
  @Test func defaultEstimateIsScaleFree() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, y) = try Self.pairs(in: directory)
    let xm = try NPY.read(contentsOf: URL(fileURLWithPath: x)).matrix()
    let base =
      try #require(
        try JSONSerialization.jsonObject(
          with: Data(Self.estimate([x, y, "--json"]).utf8)) as? [String: Any])["mi"] as? Double
    for scale in [1e-3, 1e-1, 1e1, 1e3] {
      let scaled = directory.appendingPathComponent("x\(scale).npy")
      try NPY.write(
        NPYArray(Matrix(rows: xm.rows, columns: xm.columns, scalars: xm.scalars.map { $0 * scale })), to: scaled)
      let object = try #require(
        try JSONSerialization.jsonObject(
          with: Data(Self.estimate([scaled.path, y, "--json"]).utf8)) as? [String: Any])
      let mi = try #require(object["mi"] as? Double)
      #expect(abs(mi - (base ?? .nan)) < 1e-9, "scale \(scale): \(mi) vs \(String(describing: base))")
    }
  }

  /// WKL never prints a plain value from over-determined weights: 25 + 25 dimensions (no valid k) exit with status 2
  /// and a message naming the problem; 3 + 3 at k = 1 (joint d = 6 needs k ≥ 2) raises k and says so.
  @Test func wklRefusesOverDeterminedWeights() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var rng = Xoshiro256(seed: 4)
    let wide = directory.appendingPathComponent("wide.npy")
    try NPY.write(
      NPYArray(Matrix(rows: 600, columns: 25, scalars: (0..<15_000).map { _ in rng.nextGaussian() })), to: wide)
    #expect(Self.fails([wide.path, wide.path, "--estimator", "wkl"], saying: "weights"))
    #expect(throws: EstimatorError.self) { try Self.estimate([wide.path, wide.path, "--estimator", "wkl"]) }
    let narrow = directory.appendingPathComponent("narrow.npy"), other = directory.appendingPathComponent("other.npy")
    try NPY.write(
      NPYArray(Matrix(rows: 600, columns: 3, scalars: (0..<1_800).map { _ in rng.nextGaussian() })), to: narrow)
    try NPY.write(
      NPYArray(Matrix(rows: 600, columns: 3, scalars: (0..<1_800).map { _ in rng.nextGaussian() })), to: other)
    let text = try Self.estimate([narrow.path, other.path, "--estimator", "wkl", "-k", "1", "--json"])
    #expect(text.contains("used k = 2 instead of 1"), "\(text)")
  }
}
