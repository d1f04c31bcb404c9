import Tensor

@testable import NeuralNetwork

/// Central finite differences against the tape's gradients for `f(inputs)`.
///
/// The scalar checked is L = Σ f(x)·R with a fixed random R (so every output element matters). Each input element
/// in `elements` (all, or a seeded sample of `samples` of them) is perturbed by ±h and L recomputed in Float64.
/// Returns the largest violation of |analytic − numeric| ≤ atol + rtol·|numeric| (≤ 0 means all pass), so a flipped
/// sign or a missing term fails.
func gradientCheck(
  _ inputs: [Tensor], h: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 2e-2, samples: Int = 40,
  seed: UInt64 = 1, _ f: ([Variable]) -> Variable
) -> Double {
  let tape = Tape()
  let variables = inputs.map { tape.watch($0) }
  let output = f(variables)
  var rng = Xoshiro256(seed: seed)
  let weights = Tensor.uniform(output.shape, low: -1, high: 1, using: &rng)
  let grads = tape.backward(from: output, seed: weights)
  func objective(_ xs: [Tensor]) -> Double {
    let y = f(xs.map { Variable($0) }).value
    var s = 0.0
    for i in 0..<y.count { s += Double(y.scalars[i]) * Double(weights.scalars[i]) }
    return s
  }
  var worst = -Double.infinity
  for (k, x) in inputs.enumerated() {
    let analytic = grads[variables[k].tapeIndex] ?? Tensor.zeros(x.shape)
    let indices = x.count <= samples ? Array(0..<x.count) : (0..<samples).map { _ in rng.nextInt(below: x.count) }
    for i in indices {
      var plus = inputs
      var minus = inputs
      plus[k][flat: i] += h
      minus[k][flat: i] -= h
      let numeric = (objective(plus) - objective(minus)) / Double(2 * h)
      let violation = Swift.abs(Double(analytic.scalars[i]) - numeric) - (atol + rtol * Swift.abs(numeric))
      worst = max(worst, violation)
    }
  }
  return worst
}

/// Uniform values in ±1 whose magnitude is at least `gap` (away from the kinks of ReLU and |x|).
func awayFromZero(_ shape: [Int], gap: Float = 0.05, seed: UInt64) -> Tensor {
  var rng = Xoshiro256(seed: seed)
  return Tensor.uniform(shape, low: -1, high: 1, using: &rng).map { $0 >= 0 ? $0 + gap : $0 - gap }
}

func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
  var rng = Xoshiro256(seed: seed)
  return Tensor.uniform(shape, low: low, high: high, using: &rng)
}
