import Foundation
@_spi(Kernels) import Tensor

extension Variable {
  /// Elementwise max(x, 0); the output has the shape of `self`.
  package func relu() -> Variable {
    leakyReLU(slope: 0)
  }

  /// Elementwise x for x > 0 and slope·x otherwise (PyTorch's LeakyReLU; slope 0 is ReLU).
  package func leakyReLU(slope: Float) -> Variable {
    let x = value
    let y = parallelMap(x) { x, y, r in for i in r { y[i] = x[i] > 0 ? x[i] : slope * x[i] } }
    return Tape.record(y, inputs: [self]) { dy in
      [parallelZip(dy, x) { g, x, o, r in for i in r { o[i] = x[i] > 0 ? g[i] : slope * g[i] } }]
    }
  }

  /// Elementwise hyperbolic tangent.
  package func tanh() -> Variable {
    let y = parallelMap(value) { x, y, r in for i in r { y[i] = Foundation.tanh(x[i]) } }
    return Tape.record(y, inputs: [self]) { dy in
      [parallelZip(dy, y) { g, t, o, r in for i in r { o[i] = g[i] * (1 - t[i] * t[i]) } }]
    }
  }

  /// Elementwise logistic function 1 / (1 + e⁻ˣ).
  package func sigmoid() -> Variable {
    let y = parallelMap(value) { x, y, r in for i in r { y[i] = 1 / (1 + Foundation.exp(-x[i])) } }
    return Tape.record(y, inputs: [self]) { dy in
      [parallelZip(dy, y) { g, s, o, r in for i in r { o[i] = g[i] * s[i] * (1 - s[i]) } }]
    }
  }

  /// Log-softmax over the last axis of an `[N, D]` tensor: log(exp(xᵢ) / Σⱼ exp(xⱼ)), max-shifted for stability.
  package func logSoftmax() -> Variable {
    precondition(rank == 2, "logSoftmax needs [N, D], got \(shape)")
    let (n, d) = (shape[0], shape[1])
    let y = parallelRows(value, rows: n, width: d) { x, y in
      var m = -Float.infinity
      for j in 0..<d where x[j] > m { m = x[j] }
      var s: Float = 0
      for j in 0..<d { s += Foundation.exp(x[j] - m) }
      let logZ = m + Foundation.log(s)
      for j in 0..<d { y[j] = x[j] - logZ }
    }
    return Tape.record(y, inputs: [self]) { dy in
      // dx = dy − softmax · Σ dy, row by row.
      let dx = dy.scalars.withUnsafeBufferPointer { gb in
        y.scalars.withUnsafeBufferPointer { yb in
          uninitializedFloats(n * d) { o in
            guard let gBase = gb.baseAddress, let yBase = yb.baseAddress else { return }
            let (gp, yp, op) = (SendablePointer(gBase), SendablePointer(yBase), SendablePointer(o))
            parallelFor(n, minimumChunk: Swift.max(1, elementwiseChunk / Swift.max(1, d))) { rows in
              for r in rows {
                let base = r &* d
                var s: Float = 0
                for j in 0..<d { s += gp[base &+ j] }
                for j in 0..<d { op[base &+ j] = gp[base &+ j] - Foundation.exp(yp[base &+ j]) * s }
              }
            }
          }
        }
      }
      return [Tensor(shape: [n, d], scalars: dx)]
    }
  }

  /// Number of axes of the value.
  package var rank: Int { value.rank }
}

/// Applies `body(row in, row out)` to each of `rows` rows of `width` elements, in parallel.
func parallelRows(
  _ input: Tensor, rows: Int, width: Int,
  _ body: @escaping @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
) -> Tensor {
  let out = input.scalars.withUnsafeBufferPointer { xb in
    uninitializedFloats(rows * width) { y in
      guard let xBase = xb.baseAddress else { return }
      let (xp, yp) = (SendablePointer(xBase), SendablePointer(y))
      parallelFor(rows, minimumChunk: Swift.max(1, elementwiseChunk / Swift.max(1, width))) { range in
        for r in range { body(UnsafePointer(xp.base) + r &* width, yp.base + r &* width) }
      }
    }
  }
  return Tensor(shape: input.shape, scalars: out)
}
