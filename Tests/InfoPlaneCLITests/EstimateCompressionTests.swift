import Foundation
import InfoPlane
import Testing

@testable import infoplane

/// `infoplane estimate --compress-x / --compress-y`: MI between high-dimensional files through low-dimensional codes.
@Suite struct EstimateCompressionTests {
  private static func directory() throws -> URL { try CLITest.directory("compress") }

  private static func json(_ arguments: [String]) throws -> [String: Any] {
    let command = try #require(
      try InfoPlaneCommand.parseAsRoot(["estimate"] + arguments + ["--json"]) as? EstimateCommand)
    let text = try command.output().0
    return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  private static func status(_ arguments: [String]) -> Int32 { CLITest.status(["estimate"] + arguments) }
  private static func fails(_ arguments: [String], saying fragments: String...) -> Bool {
    CLITest.fails(["estimate"] + arguments, saying: fragments)
  }

  /// Two pairs of correlated standard normals ξ, η (I(ξ;η) = `mi` nats in total) embedded linearly in `dx` and `dy`
  /// dimensions, plus independent noise of σ = 0.01 in every coordinate; written as x.npy (float32, `[n, dx]`) and
  /// y.npy. The embedding keeps almost all of the MI: PCA(2) recovers the signal plane.
  private static func embedded(in directory: URL, n: Int, mi: Double, dx: Int, dy: Int, seed: UInt64)
    throws -> (x: String, y: String, xi: Matrix)
  {
    var rng = Xoshiro256(seed: seed)
    let rho = (1 - exp(-mi)).squareRoot()  // two pairs, mi / 2 each: ρ² = 1 − e^{−2·(mi/2)}
    let a = (0..<(2 * dx)).map { _ in rng.nextGaussian() }, b = (0..<(2 * dy)).map { _ in rng.nextGaussian() }
    var x = [Float](repeating: 0, count: n * dx), y = [Float](repeating: 0, count: n * dy)
    var xi = Matrix.zeros(n, 2)
    for i in 0..<n {
      let s = [rng.nextGaussian(), rng.nextGaussian()]
      let t = s.map { rho * $0 + (1 - rho * rho).squareRoot() * rng.nextGaussian() }
      xi[i, 0] = s[0]
      xi[i, 1] = s[1]
      for j in 0..<dx { x[i * dx + j] = Float(s[0] * a[j] + s[1] * a[dx + j] + 0.01 * rng.nextGaussian()) }
      for j in 0..<dy { y[i * dy + j] = Float(t[0] * b[j] + t[1] * b[dy + j] + 0.01 * rng.nextGaussian()) }
    }
    let xf = directory.appendingPathComponent("x.npy"), yf = directory.appendingPathComponent("y.npy")
    try NPY.write(NPYArray(shape: [n, dx], storage: .float32(x)), to: xf)
    try NPY.write(NPYArray(shape: [n, dy], storage: .float32(y)), to: yf)
    return (xf.path, yf.path, xi)
  }

  /// 64 + 48 observed dimensions with a 2 + 2-dimensional signal, I = 1 nat: PCA(2) on both sides, then KSG, is
  /// within max(0.05, 4 SE) of the truth (KSG is unbiased to ~0.01 in 2 + 2 dimensions at this n, docs/estimators.md, "KSG's bias").
  @Test func pcaCodesRecoverTheMIOfALowDimensionalSignal() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, y, _) = try Self.embedded(in: directory, n: 5_000, mi: 1, dx: 64, dy: 48, seed: 21)
    let object = try Self.json([x, y, "--compress-x", "pca:2", "--compress-y", "pca:2"])
    let mi = try #require(object["mi"] as? Double), se = try #require(object["standard_error"] as? Double)
    #expect(abs(mi - 1) <= max(0.05, 4 * se), "mi = \(mi) ± \(se)")
    #expect(object["dx"] as? Int == 64 && object["dy"] as? Int == 48)
    let compression = try #require(object["compression"] as? [String: [String: Any]])
    let cx = try #require(compression["x"]), cy = try #require(compression["y"])
    #expect(
      cx["method"] as? String == "pca" && cx["code_dimension"] as? Int == 2 && cx["input_dimension"] as? Int == 64)
    #expect(cy["input_dimension"] as? Int == 48)
    // The noise is 0.01 per coordinate against a signal of variance ~1 per direction: > 99.9 % of the variance kept.
    #expect(try #require(cx["explained_variance_ratio"] as? Double) > 0.999)
    #expect(try #require(cy["explained_variance_ratio"] as? Double) > 0.999)
  }

  /// Compressing only X, with labels: Y = [ξ₀ > 0], so I(X;Y) = ln 2 through the 2-D PCA code.
  @Test func compressedXWithLabels() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, _, xi) = try Self.embedded(in: directory, n: 4_000, mi: 0.5, dx: 32, dy: 2, seed: 22)
    let labels = directory.appendingPathComponent("labels.npy")
    try NPY.write(NPYArray(labels: (0..<xi.rows).map { xi[$0, 0] > 0 ? 1 : 0 }), to: labels)
    let object = try Self.json([x, labels.path, "--labels", "--compress-x", "pca:2"])
    let mi = try #require(object["mi"] as? Double), se = try #require(object["standard_error"] as? Double)
    #expect(abs(mi - log(2)) <= max(0.05, 4 * se), "mi = \(mi) ± \(se)")
    #expect((object["compression"] as? [String: Any])?["y"] == nil)
  }

  /// A dense autoencoder code (default 40 epochs) of the 2-D signal in 16 dimensions. By the data-processing inequality
  /// the code's MI cannot exceed the truth, 1 nat (beyond the estimator's error); any single direction of the signal
  /// carries at most 0.5 nats linearly (one canonical pair), so more than 0.6 shows that the code keeps both.
  /// Measured: 0.86.
  @Test func autoencoderCodesKeepMostOfTheInformation() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, y, _) = try Self.embedded(in: directory, n: 2_000, mi: 1, dx: 16, dy: 2, seed: 23)
    let object = try Self.json([x, y, "--compress-x", "ae:2"])
    let mi = try #require(object["mi"] as? Double), se = try #require(object["standard_error"] as? Double)
    #expect(mi <= 1 + max(0.05, 4 * se), "mi = \(mi) ± \(se)")
    #expect(mi >= 0.6, "mi = \(mi) ± \(se)")
    let cx = try #require((object["compression"] as? [String: [String: Any]])?["x"])
    #expect(cx["method"] as? String == "ae" && cx["autoencoder"] as? String == "dense")
    let error = try #require(cx["reconstruction_error"] as? Double)
    #expect(error.isFinite && error < 0.1, "reconstruction error \(error)")
  }

  /// Wide data without compression gets a warning that suggests it (in JSON: in `notes`); compressed data does not.
  @Test func wideDataWithoutCompressionIsWarnedAbout() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, y, _) = try Self.embedded(in: directory, n: 300, mi: 1, dx: 64, dy: 3, seed: 25)
    let plain = try #require(try Self.json([x, y])["notes"] as? [String])
    #expect(plain.count == 1 && plain[0].contains("X has 64 dimensions") && plain[0].contains("--compress-x pca:4"))
    #expect(try #require(try Self.json([x, y, "--compress-x", "pca:2"])["notes"] as? [String]).isEmpty)
  }

  @Test func badCompressionSettingsExitWithStatusTwo() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (x, y, _) = try Self.embedded(in: directory, n: 200, mi: 1, dx: 8, dy: 3, seed: 24)
    #expect(Self.fails([x, y, "--compress-x", "pca:0"], saying: "--compress-x"))
    #expect(Self.fails([x, y, "--compress-x", "svd:2"], saying: "svd:2"))
    #expect(Self.fails([x, y, "--compress-x", "pca"], saying: "--compress-x"))
    // Y has 3 dimensions.
    #expect(Self.fails([x, y, "--compress-y", "pca:4"], saying: "Cannot compress to 4 components"))
    #expect(throws: CompressionError.componentCount(4, dimension: 3)) {
      try #require(try InfoPlaneCommand.parseAsRoot(["estimate", x, y, "--compress-y", "pca:4"]) as? EstimateCommand)
        .output()
    }
    #expect(Self.fails([x, y, "--labels", "--compress-y", "pca:1"], saying: "--compress-y does not apply"))
    #expect(Self.fails([x, y, "--compress-x", "ae:2", "--ae-epochs", "0"], saying: "--ae-epochs must be in 1…100000"))
    // Constant data cannot train an autoencoder.
    let constant = directory.appendingPathComponent("constant.npy")
    try NPY.write(NPYArray(Matrix(rows: 200, columns: 4, scalars: [Double](repeating: 3, count: 800))), to: constant)
    #expect(Self.fails([constant.path, y, "--compress-x", "ae:2"], saying: "X is constant"))
    // NaN is named by variable, row and column, as without compression.
    var withNaN = [Float](repeating: 1, count: 200 * 8)
    for i in 0..<withNaN.count { withNaN[i] = Float(i % 17) }
    withNaN[5 * 8 + 6] = .nan
    let nan = directory.appendingPathComponent("nan.npy")
    try NPY.write(NPYArray(shape: [200, 8], storage: .float32(withNaN)), to: nan)
    for method in ["pca:2", "ae:2"] {
      #expect(throws: CompressionError.nonFiniteVariable(variable: "X", row: 5, column: 6)) {
        try #require(
          try InfoPlaneCommand.parseAsRoot(["estimate", nan.path, y, "--compress-x", method]) as? EstimateCommand
        )
        .output()
      }
    }
    // Mismatched rows are caught before any fitting.
    let short = directory.appendingPathComponent("short.npy")
    try NPY.write(NPYArray(Matrix.zeros(10, 8)), to: short)
    #expect(Self.fails([short.path, y, "--compress-x", "pca:2"], saying: "X has 10 samples but Y has"))
  }
}
