import CKernels
import Foundation
@_spi(Benchmarks) import Tensor
import Testing

@_spi(Benchmarks) @testable import NeuralNetwork

/// Noise and dropout: distributions against closed forms (tolerances from standard errors), seeds reproduce.
@Suite struct StochasticTests {
  @Test func standardNormalsHaveUnitMomentsAndGaussianShape() {
    let n = 200_000
    let z = standardNormals(count: n, seed: 9).scalars.map(Double.init)
    let mean = z.reduce(0, +) / Double(n)
    let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
    let fourth = z.reduce(0) { $0 + pow($1 - mean, 4) } / Double(n)
    // Standard errors: mean 1/√n, variance √(2/n), fourth moment √(96/n) for a standard normal.
    #expect(Swift.abs(mean) < 4 / Double(n).squareRoot())
    #expect(Swift.abs(variance - 1) < 4 * (2 / Double(n)).squareRoot())
    #expect(Swift.abs(fourth - 3) < 4 * (96 / Double(n)).squareRoot())
    // P(|Z| < 1) = 0.682689…, binomial standard error.
    let inside = Double(z.filter { Swift.abs($0) < 1 }.count) / Double(n)
    #expect(Swift.abs(inside - 0.682_689_5) < 4 * (0.6827 * 0.3173 / Double(n)).squareRoot())
    // The quadrants of the Box–Muller angle are balanced: cosine k and sine k of a block of 256 pairs
    // (elements 512b + k and 512b + 256 + k) are both positive with probability 1/4.
    let fullBlockPairs = n / 512 * 256
    let firstQuadrant = (0..<fullBlockPairs).filter { j in
      let (b, k) = (j / 256, j % 256)
      return z[512 * b + k] > 0 && z[512 * b + 256 + k] > 0
    }.count
    #expect(
      Swift.abs(Double(firstQuadrant) / Double(fullBlockPairs) - 0.25) < 4
        * (0.1875 / Double(fullBlockPairs)).squareRoot())
  }

  /// Each normal-block kernel this CPU runs against the definition in Double: pair j's bits b = bits(seed, j) give
  /// r = √(−2 ln((b₄₀…₆₃ + 1)·2⁻²⁴)) and θ = 2π·b₈…₃₁·2⁻²⁴, and the block holds r·cos θ then r·sin θ. The
  /// polynomials' relative error (< 1e-6 in ln u, < 3e-9 in sin/cos) and Float rounding bound the difference by 2e-6
  /// relative to r. A short block holds the same pairs' values as a full one.
  @Test func normalBlocksMatchTheBoxMullerDefinition() {
    let best = Int(ck_isa_level())
    for isa in Set([0, min(best, 1)]) {
      let kernel = ck_random_select(Int32(isa)).normal_block!
      var full = [Float](repeating: .nan, count: 512)
      kernel(77, 1024, 256, &full)
      for k in 0..<256 {
        let bits = randomBits(77, 1024 + k)
        let u = (Double(bits >> 40) + 1) / 16_777_216
        let r = (-2 * Foundation.log(u)).squareRoot()
        let theta = 2 * Double.pi * Double((bits >> 8) & 0xFF_FFFF) / 16_777_216
        #expect(Swift.abs(Double(full[k]) - r * Foundation.cos(theta)) <= 2e-6 * max(r, 1), "isa \(isa) pair \(k)")
        #expect(
          Swift.abs(Double(full[256 + k]) - r * Foundation.sin(theta)) <= 2e-6 * max(r, 1), "isa \(isa) pair \(k)")
      }
      // Noise factors with dropout: the mask is dropout's (elements 2048 ..< 2560 of its stream), the kept values
      // scale·(1 + σz) to a rounding (FMA or not).
      var factors = full
      ck_random_select(Int32(isa)).noise_factors!(&factors, 512, 2048, 0.1, 5, 5_033_165, 1 / 0.7)
      let dropped = Variable(Tensor(repeating: 1, shape: [2560])).dropout(probability: 0.3, seed: 5).value.scalars
      for e in 0..<512 {
        let want: Float = dropped[2048 + e] == 0 ? 0 : (1 + 0.1 * full[e]) / 0.7
        #expect(Swift.abs(factors[e] - want) <= 3e-7 * Swift.abs(want), "isa \(isa) element \(e)")
        #expect((factors[e] == 0) == (dropped[2048 + e] == 0))
      }
      var short = [Float](repeating: .nan, count: 2 * 37)
      kernel(77, 1024, 37, &short)
      #expect(Array(short[0..<37]) == Array(full[0..<37]) && Array(short[37...]) == Array(full[256..<293]))
    }
  }

  /// Dropout folded into relative noise equals dropout followed by the noise, to one rounding of the product, in
  /// value and gradient, with the same elements dropped; a `Sequential` in training fuses the pair, and only there.
  @Test func fusedDropoutAndNoiseEqualTheTwoLayers() {
    var rng = Xoshiro256(seed: 4)
    let input = Tensor.normal([3, 1001], using: &rng)
    let upstream = Tensor.normal([3, 1001], using: &rng)
    let (p, sigma): (Float, Float) = (0.3, 0.05)
    func run(fused: Bool) -> (value: [Float], gradient: [Float]) {
      let tape = Tape()
      let x = tape.watch(input)
      let y =
        fused
        ? x.addingNoise(.relative(sigma: sigma), seed: 12, dropout: (p, 11))
        : x.dropout(probability: p, seed: 11).addingNoise(.relative(sigma: sigma), seed: 12)
      return (y.value.scalars, tape.backward(from: y, seed: upstream)[x.node]?.scalars ?? [])
    }
    let (fused, separate) = (run(fused: true), run(fused: false))
    let zeros = fused.value.enumerated().filter { $0.element == 0 }.map(\.offset)
    #expect(zeros == separate.value.enumerated().filter { $0.element == 0 }.map(\.offset))
    #expect(Double(zeros.count) / 3003 > 0.2 && Double(zeros.count) / 3003 < 0.4)
    #expect(fused.gradient.count == 3003)
    for (a, b) in zip(fused.value + fused.gradient, separate.value + separate.gradient) {
      #expect(Swift.abs(a - b) <= 2.5e-7 * Swift.abs(b), "\(a) vs \(b)")
    }
    let x = Variable(input)
    var context = ForwardContext(tape: nil, isTraining: true, seed: 8)
    let layers = Sequential([Dropout(p), GaussianNoise(.relative(sigma: sigma))])
    let viaSequential = layers.forward(x, context: &context).value
    var manual = ForwardContext(tape: nil, isTraining: true, seed: 8)
    let dropoutSeed = manual.nextSeed()
    let noiseSeed = manual.nextSeed()
    #expect(viaSequential == x.addingNoise(.relative(sigma: sigma), seed: noiseSeed, dropout: (p, dropoutSeed)).value)
    #expect(context.nextSeed() == manual.nextSeed(), "later layers draw the seeds they drew before")
    // A probed dropout output is computed on its own: the probe sees the dropout alone.
    var probed = layers
    probed.probes["dropped"] = 0
    var probeContext = ForwardContext(tape: nil, isTraining: true, seed: 8)
    let (output, probes) = probed.forward(x, context: &probeContext, probing: nil)
    #expect(probes["dropped"]?.value == x.dropout(probability: p, seed: dropoutSeed).value)
    #expect(output.value == probes["dropped"]!.addingNoise(.relative(sigma: sigma), seed: noiseSeed).value)
  }

  @Test func noiseIsReproducibleAndSeedDependent() {
    let x = Variable(Tensor(repeating: 2, shape: [64, 10]))
    let a = x.addingNoise(.relative(sigma: 0.1), seed: 5).value
    #expect(a == x.addingNoise(.relative(sigma: 0.1), seed: 5).value)
    #expect(a != x.addingNoise(.relative(sigma: 0.1), seed: 6).value)
  }

  @Test(arguments: [Noise.relative(sigma: 0.2), .additive(sigma: 0.3)])
  func noiseHasTheRequestedScale(noise: Noise) {
    let n = 50_000
    let x = Tensor(repeating: 3, shape: [n])
    let y = Variable(x).addingNoise(noise, seed: 11).value
    // Relative: y = x(1 + σε), sd = σ·x; additive: sd = σ.
    let expectedSD = Double(noise.sigma) * (noise == .relative(sigma: 0.2) ? 3 : 1)
    let diffs = y.scalars.map { Double($0) - 3 }
    let mean = diffs.reduce(0, +) / Double(n)
    let sd = (diffs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
    #expect(Swift.abs(mean) < 4 * expectedSD / Double(n).squareRoot())
    #expect(Swift.abs(sd / expectedSD - 1) < 4 / Double(2 * n).squareRoot())
  }

  @Test func dropoutZeroesTheRightFractionAndKeepsTheMean() {
    let n = 100_000
    let p: Float = 0.3
    let y = Variable(Tensor(repeating: 1, shape: [n])).dropout(probability: p, seed: 3).value
    let zeros = Double(y.scalars.filter { $0 == 0 }.count) / Double(n)
    #expect(Swift.abs(zeros - 0.3) < 4 * (0.21 / Double(n)).squareRoot())
    #expect(y.scalars.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.7) < 1e-6 })
  }

  @Test func layersFollowTheMode() {
    let x = Variable(Tensor(repeating: 1, shape: [8, 4]))
    var eval = ForwardContext(tape: nil, isTraining: false, seed: 1)
    #expect(Dropout(0.5).forward(x, context: &eval).value == x.value)
    #expect(GaussianNoise(.additive(sigma: 1)).forward(x, context: &eval).value == x.value)
    #expect(GaussianNoise(.additive(sigma: 1), activeAtInference: true).forward(x, context: &eval).value != x.value)
    var train = ForwardContext(tape: nil, isTraining: true, seed: 1)
    #expect(GaussianNoise(.additive(sigma: 1)).forward(x, context: &train).value != x.value)
    #expect(Dropout(0.5).forward(x, context: &train).value != x.value)
  }
}
